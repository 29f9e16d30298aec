import pg from 'pg';

export default async function globalTeardown(): Promise<void> {
  const serverUrl = process.env.DRD_TEST_SERVER_URL;
  if (serverUrl) {
    const admin = new pg.Client({ connectionString: serverUrl });
    await admin.connect();
    await admin.query(`drop database if exists ${process.env.DRD_TEST_TEMPLATE} with (force)`);
    await admin.end();
  }
  const embedded = (globalThis as { __drdEmbedded?: { stop(): Promise<void> } }).__drdEmbedded;
  await embedded?.stop();
}
