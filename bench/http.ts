// Small helpers shared by the benchmarks.
import { chmodSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';

/** A temporary directory the embedded PostgreSQL's unprivileged user can enter. */
export function tempDir(prefix: string): string {
  const dir = mkdtempSync(path.join(tmpdir(), prefix));
  chmodSync(dir, 0o755);
  return dir;
}

/** Signs in through the sign-in page, as a person would, and returns the session cookie. */
export async function signIn(base: string, email: string, password: string): Promise<string> {
  const signInPage = await fetch(`${base}/sign-in`);
  const cookie = signInPage.headers.get('set-cookie')!.split(';')[0]!;
  const csrf = /name="_csrf" value="([^"]+)"/.exec(await signInPage.text())![1]!;
  const signedIn = await fetch(`${base}/sign-in`, {
    method: 'POST',
    headers: { cookie, 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ _csrf: csrf, email, password }).toString(),
    redirect: 'manual',
  });
  if (signedIn.status !== 302) throw new Error(`sign-in failed: ${signedIn.status}`);
  return signedIn.headers.get('set-cookie')!.split(';')[0]!;
}
