// npm run seed:demo, as a newcomer runs it: a year of fictional returns, cases and reminder history, so
// every page (the dashboard included) has something to show; a second run changes nothing.
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { execFile } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { createTestDatabase, type TestDatabase } from '../helpers/database.js';
import { EarlyWarningService } from '../../src/dashboard/early-warning.js';
import { FixedClock } from '../../src/clock.js';
import { loadConfig } from '../../src/config.js';

const run = promisify(execFile);
let database: TestDatabase;

const seed = () =>
  run('npm', ['run', '--silent', 'seed:demo'], {
    env: {
      ...process.env,
      NODE_OPTIONS: '',
      DATABASE_URL: database.url,
      DATA_DIR: mkdtempSync(path.join(tmpdir(), 'drd-seed-')),
      LOG_LEVEL: 'silent',
    },
  });

beforeAll(async () => {
  database = await createTestDatabase();
});
afterAll(() => database.drop());

describe('npm run seed:demo', () => {
  it('when run on an empty database then it loads organisations, returns, cases and reminders', async () => {
    const { stdout } = await seed();
    expect(stdout).toContain('Sign in with password');
    const count = async (
      table: 'organisations' | 'records' | 'case_facts' | 'reminders' | 'return_submissions',
    ) =>
      Number(
        (
          await database.db
            .selectFrom(table)
            .select((eb) => eb.fn.countAll<number>().as('n'))
            .executeTakeFirstOrThrow()
        ).n,
      );
    expect(await count('organisations')).toBe(18);
    expect(await count('records')).toBeGreaterThan(100);
    expect(await count('case_facts')).toBeGreaterThan(50);
    expect(await count('case_facts')).toBeLessThan(await count('records'));
    expect(await count('reminders')).toBeGreaterThan(0);
    expect(await count('return_submissions')).toBeGreaterThan(100);
    // The partnership picture has context data to show, all of it marked as fictional.
    const loads = await database.db
      .selectFrom('context_loads')
      .select(['dataset', 'status', 'source'])
      .execute();
    expect(loads.map((l) => l.dataset).sort()).toEqual(['ambulance', 'hospital', 'ons']);
    expect(loads.every((l) => l.status === 'loaded' && l.source.includes('Fictional'))).toBe(true);
    expect(await database.db.selectFrom('ldis_alerts').select('id').execute()).toHaveLength(2);
    // And a Coroners Audit, so completeness has figures.
    expect((await database.db.selectFrom('audit_inquests').select('id').execute()).length).toBeGreaterThan(
      50,
    );
  }, 120_000);

  it('when early warning runs over the demo year then it raises few warnings, each above its own baseline', async () => {
    // The old rule (3 deaths with one substance in 14 days) raised 7 in two months of the demo, about
    // 13 deaths a month: opioids, methadone and cocaine behaving as they always do.
    const config = loadConfig({
      NODE_ENV: 'test',
      DATA_DIR: mkdtempSync(path.join(tmpdir(), 'drd-ew-')),
      LOG_LEVEL: 'silent',
    });
    const alerts = new EarlyWarningService(database.db, config, new FixedClock(new Date()));
    const raised = await alerts.detect();
    const rows = await database.db.selectFrom('alerts').select(['concern', 'measures']).execute();
    process.stdout.write(
      `early warning over the demo: ${raised} alerts: ${JSON.stringify(rows.map((r) => [r.concern, r.measures.map((m) => [m.observed, m.expected, m.threshold])]))}\n`,
    );
    expect(raised).toBeLessThanOrEqual(2);
    for (const row of rows)
      for (const m of row.measures) expect(m.observed).toBeGreaterThanOrEqual(m.threshold);
  }, 60_000);

  it('when run again then it says so and adds nothing', async () => {
    const before = await database.db.selectFrom('records').select('id').execute();
    const { stdout } = await seed();
    expect(stdout).toContain('The demo data is already loaded.');
    expect(await database.db.selectFrom('records').select('id').execute()).toHaveLength(before.length);
  }, 120_000);
});
