// Small helpers shared by the benchmarks.
import { execFileSync, spawn } from 'node:child_process';
import { chmodSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { codeAt, TotpKeys } from '../src/accounts/totp.js';
import { loadConfig } from '../src/config.js';
import type { Db } from '../src/db/database.js';

/** A temporary directory the embedded PostgreSQL's unprivileged user can enter. */
export function tempDir(prefix: string): string {
  const dir = mkdtempSync(path.join(tmpdir(), prefix));
  chmodSync(dir, 0o755);
  return dir;
}

/** The bench users' authenticator key: they sign in with a code, as every real account does. */
export const BENCH_TOTP_KEY = 'BENCHBENCHBENCHBENCHBENCHBENCH22';

/** Sets up a bench user's second factor, encrypted with the linkage secret of the server's data directory. */
export async function enrolBenchUser(db: Db, userId: number, dataDir: string): Promise<void> {
  const { linkageSecret } = loadConfig({ NODE_ENV: 'test', DATA_DIR: dataDir, LOG_LEVEL: 'silent' });
  await db
    .updateTable('users')
    .set({ totp_secret: new TotpKeys(linkageSecret).encrypt(BENCH_TOTP_KEY), totp_enabled_at: new Date() })
    .where('id', '=', userId)
    .execute();
}

const sessionOf = (response: Response) =>
  response.headers
    .getSetCookie()
    .map((c) => c.split(';')[0]!)
    .find((c) => c.startsWith('drd.sid='))!;

/**
 * Signs in through the sign-in page, as a person would — password, then the code from the app at `now`
 * — and returns the browser's cookies: the form cookie (every form's CSRF token is made from it) and the
 * session cookie.
 */
export async function signIn(
  base: string,
  email: string,
  password: string,
  now: () => Date = () => new Date(),
): Promise<string> {
  const signInPage = await fetch(`${base}/sign-in`);
  const formCookie = signInPage.headers.get('set-cookie')!.split(';')[0]!;
  const csrf = /name="_csrf" value="([^"]+)"/.exec(await signInPage.text())![1]!;
  const signedIn = await fetch(`${base}/sign-in`, {
    method: 'POST',
    headers: { cookie: formCookie, 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ _csrf: csrf, email, password }).toString(),
    redirect: 'manual',
  });
  if (signedIn.status !== 302) throw new Error(`sign-in failed: ${signedIn.status}`);
  if (signedIn.headers.get('location') !== '/sign-in/code') return `${formCookie}; ${sessionOf(signedIn)}`;
  const coded = await fetch(`${base}/sign-in/code`, {
    method: 'POST',
    headers: {
      cookie: `${formCookie}; ${sessionOf(signedIn)}`,
      'content-type': 'application/x-www-form-urlencoded',
    },
    body: new URLSearchParams({ _csrf: csrf, code: codeAt(BENCH_TOTP_KEY, now()) }).toString(),
    redirect: 'manual',
  });
  if (coded.status !== 302) throw new Error(`second factor failed: ${coded.status}`);
  return `${formCookie}; ${sessionOf(coded)}`;
}

/** The production server (compiled, as `npm start` runs it) in its own process, so its memory is its own. */
export async function startServer(
  databaseUrl: string,
  dataDir: string,
  port: number,
  env: Record<string, string> = {},
) {
  execFileSync(process.execPath, ['scripts/build.mjs'], { stdio: 'ignore' });
  // The same Node flags as `npm start` (its heap budget is what keeps a long export's memory flat).
  const start = (JSON.parse(readFileSync('package.json', 'utf8')) as { scripts: { start: string } }).scripts
    .start;
  const flags = start
    .split('&&')
    .at(-1)!
    .trim()
    .split(/\s+/)
    .filter((word) => word.startsWith('--'));
  const child = spawn(process.execPath, [...flags, 'dist/src/server.js'], {
    env: {
      ...process.env,
      DATABASE_URL: databaseUrl,
      DATA_DIR: dataDir,
      PORT: String(port),
      JOBS: 'off',
      NODE_OPTIONS: '',
      LOG_LEVEL: 'warn',
      ...env,
    },
    stdio: process.env.BENCH_SERVER_OUTPUT ? 'inherit' : 'ignore',
  });
  const base = `http://127.0.0.1:${port}`;
  for (const started = Date.now(); ;) {
    if (Date.now() - started > 60_000) throw new Error('the server did not start');
    try {
      if ((await fetch(`${base}/health`)).ok) break;
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 50));
  }
  return { base, child };
}

/** Resident and peak resident memory of a process, from Linux's /proc (bytes). */
export function memoryOf(pid: number): { rss: number; peak: number } {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const kb = (key: string) => Number(new RegExp(`${key}:\\s+(\\d+) kB`).exec(status)![1]) * 1024;
  return { rss: kb('VmRSS'), peak: kb('VmHWM') };
}
