// The built server as a child process, on a PostgreSQL the test owns (the embedded one, in a temporary
// directory, so the test can stop and start it), driven over HTTP like a browser with a cookie jar.
import { spawn, type ChildProcess } from 'node:child_process';
import { chmodSync, mkdtempSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { startEmbeddedPostgres, type EmbeddedDatabase } from '../../src/db/embedded.js';

export async function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const server = createServer();
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

export interface OwnPostgres {
  url: string;
  /** Stops the server: 'fast' as `pg_ctl -m fast` (SIGINT), 'immediate' as `-m immediate` (SIGQUIT). */
  stop(mode: 'fast' | 'immediate'): Promise<void>;
  start(): Promise<void>;
  close(): Promise<void>;
}

export async function startOwnPostgres(): Promise<OwnPostgres> {
  const dir = mkdtempSync(path.join(tmpdir(), 'drd-fault-pg-'));
  chmodSync(dir, 0o755);
  const port = await freePort();
  let server: EmbeddedDatabase | undefined = await startEmbeddedPostgres(dir, { port, database: 'drd' });
  const pidFile = path.join(dir, 'postgres', 'postmaster.pid');
  const { readFileSync, existsSync } = await import('node:fs');
  const own: OwnPostgres = {
    url: server.url,
    async stop(mode) {
      if (mode === 'fast') await server?.stop();
      else {
        const pid = Number(readFileSync(pidFile, 'utf8').split('\n')[0]);
        process.kill(pid, 'SIGQUIT');
        for (let i = 0; i < 100 && existsSync(pidFile); i += 1) await new Promise((r) => setTimeout(r, 50));
      }
      server = undefined;
    },
    async start() {
      server = await startEmbeddedPostgres(dir, { port, database: 'drd' });
      if (!server.url.includes(`:${port}/`)) throw new Error('PostgreSQL came back on another port');
    },
    async close() {
      await server?.stop();
    },
  };
  return own;
}

export interface ServerProcess {
  base: string;
  child: ChildProcess;
  output: string[];
  exited: Promise<number | null>;
}

/** Starts dist/src/server.js and waits until /health answers 200. */
export async function startServer(env: Record<string, string>): Promise<ServerProcess> {
  const port = await freePort();
  const child = spawn(process.execPath, ['dist/src/server.js'], {
    env: {
      PATH: process.env.PATH ?? '',
      NODE_ENV: 'test',
      PORT: String(port),
      PUBLIC_URL: `http://127.0.0.1:${port}`,
      DATA_DIR: mkdtempSync(path.join(tmpdir(), 'drd-fault-data-')),
      SESSION_SECRET: 'fault-test-session-secret-of-32-characters-at-least',
      LINKAGE_SECRET: 'fault-test-linkage-secret-of-32-characters-at-least',
      LOG_LEVEL: 'warn',
      ...env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const output: string[] = [];
  child.stdout!.on('data', (c: Buffer) => output.push(c.toString()));
  child.stderr!.on('data', (c: Buffer) => output.push(c.toString()));
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  const base = `http://127.0.0.1:${port}`;
  for (let i = 0; i < 300; i += 1) {
    if (child.exitCode !== null) throw new Error(`server exited: ${output.join('')}`);
    const ok = await fetch(`${base}/health`).then(
      (r) => r.status === 200,
      () => false,
    );
    if (ok) return { base, child, output, exited };
    await new Promise((r) => setTimeout(r, 100));
  }
  child.kill('SIGKILL');
  throw new Error(`server did not start: ${output.join('')}`);
}

/** A browser's cookie jar and form posts, over fetch. */
export class Browser {
  private cookies = new Map<string, string>();

  constructor(private readonly base: string) {}

  private remember(response: Response): void {
    for (const line of response.headers.getSetCookie()) {
      const [pair] = line.split(';');
      const [name, ...value] = pair!.split('=');
      this.cookies.set(name!.trim(), value.join('='));
    }
  }

  private cookieHeader(): string {
    return [...this.cookies].map(([k, v]) => `${k}=${v}`).join('; ');
  }

  async get(path: string): Promise<{ status: number; text: string; location: string | null }> {
    const response = await fetch(`${this.base}${path}`, {
      headers: { cookie: this.cookieHeader() },
      redirect: 'manual',
    });
    this.remember(response);
    return {
      status: response.status,
      text: await response.text(),
      location: response.headers.get('location'),
    };
  }

  /** Posts a form with the CSRF token from `fromPage`. */
  async submit(path: string, form: Record<string, string>, fromPage = path) {
    const page = await this.get(fromPage);
    const token = /name="_csrf" value="([^"]+)"/.exec(page.text)?.[1];
    if (!token) throw new Error(`no form on ${fromPage}: ${page.status}`);
    return this.post(path, { ...form, _csrf: token });
  }

  async post(path: string, form: Record<string, string>) {
    const response = await fetch(`${this.base}${path}`, {
      method: 'POST',
      headers: { cookie: this.cookieHeader(), 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams(form).toString(),
      redirect: 'manual',
    });
    this.remember(response);
    return {
      status: response.status,
      text: await response.text(),
      location: response.headers.get('location'),
    };
  }

  formToken(html: string): string {
    const token = /name="_csrf" value="([^"]+)"/.exec(html)?.[1];
    if (!token) throw new Error('no form');
    return token;
  }
}
