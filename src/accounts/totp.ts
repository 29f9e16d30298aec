// The second factor's cryptography, with nothing about users or pages: TOTP keys (RFC 6238, via
// otpauth) encrypted at rest, the QR code an authenticator app scans, and one-time recovery codes.
import { createCipheriv, createDecipheriv, createHmac, hkdfSync, randomBytes, randomInt } from 'node:crypto';
import * as OTPAuth from 'otpauth';
import QRCode from 'qrcode';

const ISSUER = 'drd-return';
const PERIOD_S = 30;

/**
 * TOTP keys must be readable by the server to check a code, so unlike passwords they are encrypted, not
 * hashed: AES-256-GCM under a key derived from the linkage secret, which (README) is never changed. A copy
 * of the database alone opens no account's second factor.
 */
export class TotpKeys {
  private readonly key: Buffer;
  private readonly codeKey: Buffer;

  constructor(secret: string) {
    this.key = Buffer.from(hkdfSync('sha256', secret, 'drd-return', 'totp key encryption', 32));
    this.codeKey = Buffer.from(hkdfSync('sha256', secret, 'drd-return', 'recovery code hashing', 32));
  }

  /** A new random key, as the base32 text an authenticator app accepts. */
  static newKey(): string {
    return new OTPAuth.Secret({ size: 20 }).base32;
  }

  encrypt(base32: string): string {
    const iv = randomBytes(12);
    const cipher = createCipheriv('aes-256-gcm', this.key, iv);
    const body = Buffer.concat([cipher.update(base32, 'utf8'), cipher.final()]);
    return ['v1', iv, cipher.getAuthTag(), body]
      .map((p) => (typeof p === 'string' ? p : p.toString('base64url')))
      .join('.');
  }

  decrypt(stored: string): string {
    const [version, iv, tag, body] = stored.split('.');
    if (version !== 'v1' || !iv || !tag || !body) throw new Error('Unreadable second-factor key');
    const decipher = createDecipheriv('aes-256-gcm', this.key, Buffer.from(iv, 'base64url'));
    decipher.setAuthTag(Buffer.from(tag, 'base64url'));
    return Buffer.concat([decipher.update(Buffer.from(body, 'base64url')), decipher.final()]).toString(
      'utf8',
    );
  }

  /**
   * Recovery codes are random (50 bits) and checked by lookup, so a keyed hash is enough: without the
   * server's key a copy of the table cannot be searched, and one argon2 per stored code is not needed.
   */
  hashRecoveryCode(userId: number, code: string): string {
    return createHmac('sha256', this.codeKey)
      .update(`${userId}:${normaliseRecoveryCode(code)}`)
      .digest('hex');
  }
}

function totpFor(base32: string, label = 'account'): OTPAuth.TOTP {
  return new OTPAuth.TOTP({
    issuer: ISSUER,
    label,
    secret: OTPAuth.Secret.fromBase32(base32),
    algorithm: 'SHA1',
    digits: 6,
    period: PERIOD_S,
  });
}

/**
 * The time step a code belongs to, if it is right at `now` give or take one step (30 s of clock drift
 * between phone and server, RFC 6238 §5.2); undefined when it is wrong.
 */
export function matchingStep(base32: string, code: string, now: Date): number | undefined {
  const token = code.replace(/\s+/g, '');
  if (!/^\d{6}$/.test(token)) return undefined;
  const delta = totpFor(base32).validate({ token, timestamp: now.getTime(), window: 1 });
  if (delta === null) return undefined;
  return Math.floor(now.getTime() / 1000 / PERIOD_S) + delta;
}

/** The code an authenticator shows at `at` (tests, and nothing else, need this). */
export function codeAt(base32: string, at: Date): string {
  return totpFor(base32).generate({ timestamp: at.getTime() });
}

/** The otpauth:// address and its QR code as inline SVG (no image request, so the CSP is unchanged). */
export async function enrolmentQr(base32: string, email: string): Promise<{ uri: string; svg: string }> {
  const uri = totpFor(base32, email).toString();
  const svg = await QRCode.toString(uri, { type: 'svg', errorCorrectionLevel: 'M', margin: 2 });
  return { uri, svg };
}

/** The key grouped in fours, easier to type into an app that cannot scan. */
export function groupedKey(base32: string): string {
  return base32.replace(/(.{4})/g, '$1 ').trim();
}

// No 0/O, 1/l/I: recovery codes are typed from paper.
const CODE_ALPHABET = 'abcdefghjkmnpqrstuvwxyz23456789';

export function newRecoveryCodes(count = 10): string[] {
  return Array.from({ length: count }, () => {
    const chars = Array.from({ length: 10 }, () => CODE_ALPHABET[randomInt(CODE_ALPHABET.length)]).join('');
    return `${chars.slice(0, 5)}-${chars.slice(5)}`;
  });
}

export function normaliseRecoveryCode(code: string): string {
  return code.toLowerCase().replace(/[^a-z0-9]/g, '');
}
