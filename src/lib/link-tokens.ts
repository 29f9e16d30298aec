// Secret tokens carried by links and API calls (invitations, password resets, nil-return links, API
// tokens): the holder has the token, the database only its SHA-256, so a copy of the database opens nothing.
import { createHash, randomBytes } from 'node:crypto';

/** A new token and the hash to store. */
export function newLinkToken(): { token: string; hash: string } {
  const token = randomBytes(32).toString('base64url');
  return { token, hash: hashLinkToken(token) };
}

export function hashLinkToken(token: string): string {
  return createHash('sha256').update(token).digest('hex');
}
