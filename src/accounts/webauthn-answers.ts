// What a browser's WebAuthn call answers, checked for shape before @simplewebauthn/server reads it: it
// is JSON from anyone, so sizes and types are bounded here first.
import { z } from 'zod';

// What a browser sends back, checked for shape before the library reads it (it is JSON from anyone).
const b64 = z
  .string()
  .regex(/^[\w-]*={0,2}$/)
  .max(16_384);
const common = {
  id: b64,
  rawId: b64,
  type: z.literal('public-key'),
  clientExtensionResults: z.looseObject({}).default({}),
  authenticatorAttachment: z.enum(['platform', 'cross-platform']).optional(),
};
export const registrationShape = z.object({
  ...common,
  response: z.looseObject({
    clientDataJSON: b64,
    attestationObject: b64,
    transports: z.array(z.string().max(32)).max(10).optional(),
  }),
});
export const authenticationShape = z.object({
  ...common,
  response: z.looseObject({
    clientDataJSON: b64,
    authenticatorData: b64,
    signature: b64,
    userHandle: b64.optional(),
  }),
});

/** The challenge a browser's answer signed, or undefined when it is not even readable. */
export function challengeOf(clientDataJSON: string): string | undefined {
  try {
    // clientDataJSON is base64url-encoded JSON (WebAuthn §5.8.1); only its challenge is read here.
    const challenge = (
      JSON.parse(Buffer.from(clientDataJSON, 'base64url').toString('utf8')) as { challenge?: unknown }
    ).challenge;
    return typeof challenge === 'string' ? challenge : undefined;
  } catch {
    return undefined;
  }
}
