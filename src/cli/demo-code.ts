// npm run demo-code: the code an authenticator app holding the demo key shows now, for someone trying
// the demo accounts without an app to hand. The key is public, so it is used by demo accounts only.
import { codeAt } from '../accounts/totp.js';

/** The demo accounts' authenticator key (seed:demo). Fictional, published in the README: demo only. */
export const DEMO_TOTP_KEY = 'DEMODEMODEMODEMODEMODEMODEMODEMO';

if (process.argv[1]?.endsWith('demo-code.ts'))
  process.stdout.write(`${codeAt(DEMO_TOTP_KEY, new Date())} (valid for up to 30 seconds)\n`);
