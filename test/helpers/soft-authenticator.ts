// A passkey authenticator in software, for server tests: it makes a P-256 key, answers the service's
// creation and sign-in options exactly as WebAuthn lays the bytes out (authenticator data, a "none"
// attestation in CBOR, an ECDSA signature over authenticator data and the client data's hash), and can
// be told to lie — another origin, another relying party, a counter that goes backwards, another
// user's handle — so the tests can show the service refuses each. Built from node:crypto and the CBOR
// and base64url helpers only, not from the verifying library's own code paths.
import { createHash, generateKeyPairSync, randomBytes, sign, type KeyObject } from 'node:crypto';
import { isoBase64URL, isoCBOR } from '@simplewebauthn/server/helpers';
import type * as tinyCbor from '@levischuck/tiny-cbor';

const UP = 0x01; // user present
const UV = 0x04; // user verified
const BE = 0x08; // backup eligible
const BS = 0x10; // backed up
const AT = 0x40; // attested credential data follows

const sha256 = (data: Uint8Array | string) => createHash('sha256').update(data).digest();
const b64 = (data: Uint8Array) => isoBase64URL.fromBuffer(new Uint8Array(data));
const u32 = (n: number) => {
  const b = Buffer.alloc(4);
  b.writeUInt32BE(n);
  return b;
};

interface CreationOptions {
  challenge: string;
  rp: { id?: string };
  user: { id: string };
}
interface RequestOptions {
  challenge: string;
  rpId?: string;
}

export interface Lies {
  origin?: string;
  rpId?: string;
  counter?: number;
  userHandle?: string;
  userVerified?: boolean;
  challenge?: string;
}

export class SoftAuthenticator {
  readonly credentialId = randomBytes(16);
  private readonly privateKey: KeyObject;
  private readonly publicKey: KeyObject;
  private counter = 0;
  userHandle: string | undefined;

  constructor(
    private readonly origin: string,
    private readonly synced = true,
  ) {
    const pair = generateKeyPairSync('ec', { namedCurve: 'P-256' });
    this.privateKey = pair.privateKey;
    this.publicKey = pair.publicKey;
  }

  get id(): string {
    return b64(this.credentialId);
  }

  private flags(extra: number, lies: Lies): number {
    return UP | (lies.userVerified === false ? 0 : UV) | (this.synced ? BE | BS : 0) | extra;
  }

  private clientData(type: string, challenge: string, lies: Lies): Buffer {
    return Buffer.from(
      JSON.stringify({
        type,
        challenge: lies.challenge ?? challenge,
        origin: lies.origin ?? this.origin,
        crossOrigin: false,
      }),
    );
  }

  /** The answer to navigator.credentials.create() for these options. */
  register(options: CreationOptions, lies: Lies = {}) {
    const jwk = this.publicKey.export({ format: 'jwk' });
    const cose = isoCBOR.encode(
      new Map<number, number | Uint8Array>([
        [1, 2], // kty: EC2
        [3, -7], // alg: ES256
        [-1, 1], // crv: P-256
        [-2, isoBase64URL.toBuffer(jwk.x!)],
        [-3, isoBase64URL.toBuffer(jwk.y!)],
      ]),
    );
    const idLength = Buffer.alloc(2);
    idLength.writeUInt16BE(this.credentialId.length);
    const authData = Buffer.concat([
      sha256(lies.rpId ?? options.rp.id!),
      Buffer.from([this.flags(AT, lies)]),
      u32(this.counter),
      Buffer.alloc(16), // AAGUID: none
      idLength,
      this.credentialId,
      Buffer.from(cose),
    ]);
    const attestationObject = isoCBOR.encode(
      new Map<string, tinyCbor.CBORType>([
        ['fmt', 'none'],
        ['attStmt', new Map<string, tinyCbor.CBORType>()],
        ['authData', new Uint8Array(authData)],
      ]),
    );
    this.userHandle = options.user.id;
    return {
      id: this.id,
      rawId: this.id,
      type: 'public-key',
      response: {
        clientDataJSON: b64(this.clientData('webauthn.create', options.challenge, lies)),
        attestationObject: b64(attestationObject),
        transports: ['internal'],
      },
      clientExtensionResults: {},
      authenticatorAttachment: 'platform',
    };
  }

  /** The answer to navigator.credentials.get() for these options; the counter moves on each time. */
  signIn(options: RequestOptions, rpId: string, lies: Lies = {}) {
    this.counter += 1;
    const authData = Buffer.concat([
      sha256(lies.rpId ?? options.rpId ?? rpId),
      Buffer.from([this.flags(0, lies)]),
      u32(lies.counter ?? this.counter),
    ]);
    const clientDataJSON = this.clientData('webauthn.get', options.challenge, lies);
    const signature = sign('sha256', Buffer.concat([authData, sha256(clientDataJSON)]), this.privateKey);
    return {
      id: this.id,
      rawId: this.id,
      type: 'public-key',
      response: {
        clientDataJSON: b64(clientDataJSON),
        authenticatorData: b64(authData),
        signature: b64(signature),
        userHandle: lies.userHandle ?? this.userHandle,
      },
      clientExtensionResults: {},
      authenticatorAttachment: 'platform',
    };
  }
}
