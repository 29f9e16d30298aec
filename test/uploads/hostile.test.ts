// Hostile and broken files (test/fixtures/hostile, made by build.ts there): each gets a clear 4xx page,
// the process stays up and keeps answering, nothing is stored, and no identifier comes back anywhere.
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { afterAll, beforeAll, describe, expect, it, jest } from '@jest/globals';
import { readFileSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { sql } from 'kysely';
import { createOrganisation, createTestApp, type Agent, type TestApp, signedInAs } from '../helpers/app.js';
import type { Organisation } from '../../src/db/types.js';
import { within, summaryValue } from '../helpers/within.js';

jest.setTimeout(120_000);

const fixture = (name: string) => readFileSync(path.join(import.meta.dirname, '../fixtures/hostile', name));
const UPLOAD = '/returns/2026-03/upload';
const NHS = '9434765919';
const identifiers = [NHS, '943 476 5919', 'Smithfield', 'Jonathan', '1961-07-14'];

let t: TestApp;
let org: Organisation;
let partner: Agent;

beforeAll(async () => {
  t = await createTestApp({ now: '2026-04-02T10:00:00Z', env: { UPLOAD_MAX_ROWS: '100000' } });
  org = await createOrganisation(t, { name: 'Hostile Test Org', code: 'HTO', active_from: '2026-01' });
  partner = await signedInAs(t, 'partner', org.id);
});
afterAll(() => t.close());

/** Every table that could keep something from an upload, as text. */
async function everythingStored(): Promise<string> {
  const tables = ['records', 'uploads', 'upload_rows', 'upload_errors', 'audit_log', 'outbox', 'sessions'];
  const dumps = await Promise.all(
    tables.map((table) =>
      sql<{ t: string }>`select coalesce(json_agg(x)::text, '') as t from ${sql.table(table)} x`.execute(
        t.db,
      ),
    ),
  );
  return dumps.map((d) => d.rows[0]!.t).join('\n');
}

async function upload(name: string) {
  return partner.upload(UPLOAD, fixture(name), name);
}

describe('a hostile or broken file', () => {
  it.each([
    ['understated.xlsx', 'unpacks to more than the size allowed'],
    ['doctype.xlsx', 'The Excel file could not be read'],
    ['blank-lines.csv', 'more than 100,000 rows'],
    ['broken-quote.csv', 'The file could not be read as CSV'],
  ])('when %s is uploaded then a clear 400 page says why and nothing is stored', async (name, message) => {
    const response = await upload(name);
    expect(response.status).toBe(400);
    expect(within(response, '.govuk-error-summary')).toContain(message);
    expect(response.text).toContain('govuk-error-summary');
    const stored = await t.db
      .selectFrom('uploads')
      .select('id')
      .where('organisation_id', '=', org.id)
      .execute();
    expect(stored).toHaveLength(0);
    expect(await t.db.selectFrom('records').select('id').execute()).toHaveLength(0);
    for (const id of identifiers) expect(response.text).not.toContain(id);
  });

  it('when a file has tens of thousands of problems then the preview lists them (no 500) and its report downloads', async () => {
    const response = await upload('many-problems.csv');
    expect(response.status).toBe(302);
    const page = await partner.get(response.headers.location!);
    expect(page.status).toBe(200);
    expect(summaryValue(page, 'Rows with problems')).toBe('3000');
    const problems = await t.db
      .selectFrom('upload_errors')
      .select(sql<number>`count(*)`.as('n'))
      .executeTakeFirstOrThrow();
    expect(Number(problems.n)).toBeGreaterThan(30_000);
    const report = await partner.get(`${response.headers.location!}/problems.csv`);
    expect(report.status).toBe(200);
  });

  it('when identifiers are in the wrong columns then no page, report or table shows them, and expiry leaves nothing', async () => {
    const response = await upload('wrong-column-identifiers.csv');
    expect(response.status).toBe(302);
    const page = await partner.get(response.headers.location!);
    const report = await partner.get(`${response.headers.location!}/problems.csv`);
    expect(page.text).toContain('id="row-2"'); // the rows are reported, by row and cell
    for (const text of [page.text, report.text, await everythingStored()])
      for (const id of identifiers) expect(text).not.toContain(id);
    t.clock.advance(2 * 60 * 60_000);
    await t.services.uploads.expire();
    const left = await t.db.selectFrom('uploads').selectAll().where('organisation_id', '=', org.id).execute();
    expect(left.every((u) => u.summary.length === 0)).toBe(true);
    expect(await t.db.selectFrom('upload_errors').select('upload_id').execute()).toHaveLength(0);
    t.clock.set('2026-04-02T10:00:00Z');
  });
});

describe('the upload form token', () => {
  it('when a file is sent without the form token, or with the token in the address, then it is refused before it is read', async () => {
    const page = await partner.get(UPLOAD);
    expect(page.text).not.toMatch(/action="[^"]*_csrf/); // the token is in the form's body, not its address
    const token = /name="_csrf" value="([^"]+)"/.exec(page.text)![1]!;
    const missing = await partner.post(UPLOAD).attach('file', fixture('many-problems.csv'), 'x.csv');
    expect(missing.status).toBe(403);
    const inAddress = await partner
      .post(`${UPLOAD}?_csrf=${encodeURIComponent(token)}`)
      .attach('file', fixture('many-problems.csv'), 'x.csv');
    expect(inAddress.status).toBe(403);
    const noFile = await partner.post(UPLOAD).field('_csrf', 'wrong');
    expect(noFile.status).toBe(403);
    expect(
      await t.db.selectFrom('uploads').select('id').where('file_name', '=', 'x.csv').execute(),
    ).toHaveLength(0);
  });

  it('when another form is sent as multipart then it is refused', async () => {
    const page = await partner.get('/returns/2026-03/records/new');
    const token = /name="_csrf" value="([^"]+)"/.exec(page.text)![1]!;
    const response = await partner
      .post('/returns/2026-03/records/new')
      .field('_csrf', token)
      .field('partner_record_ref', 'MP-1');
    expect(response.status).toBe(403);
  });
});

describe('while a hostile file is being checked', () => {
  it('when a 10 MB file of blank lines is uploaded then /health and a partner page keep answering promptly', async () => {
    const server = t.app.listen(0);
    const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    try {
      const headerLine = fixture('blank-lines.csv').toString('utf8').split('\n')[0]!;
      const huge = Buffer.concat([
        Buffer.from(`${headerLine}\n`),
        Buffer.alloc(10 * 1024 * 1024 - 400, '\n'),
      ]);
      const cookie = (await partner.get('/returns')).request.cookies;
      const page = await fetch(`${base}${UPLOAD}`, { headers: { cookie } });
      const html = await page.text();
      const action = /<form method="post" action="([^"]+)" enctype/.exec(html)![1]!;
      const form = new FormData();
      form.append('_csrf', /name="_csrf" value="([^"]+)"/.exec(html)![1]!);
      form.append('file', new Blob([huge]), 'blank.csv');
      // The event loop's longest stall while the file is received and checked: a parser holding it for
      // the whole file would stall every other user's request for seconds. On this machine alone the
      // longest stall is about 60 ms, in CI beside Chromium about 225 ms, and once 1,153 ms (a full suite
      // on 2 cores, garbage collection included): the bound is two seconds, still below the whole-file
      // parse's 2.7 s and more.
      const delay = monitorEventLoopDelay({ resolution: 10 });
      delay.enable();
      const uploading = fetch(`${base}${action}`, { method: 'POST', body: form, headers: { cookie } });
      const answers: number[] = [];
      let done = false;
      void uploading.finally(() => (done = true));
      while (!done) {
        for (const url of ['/health', '/returns']) {
          const answer = await fetch(`${base}${url}`, { headers: { cookie } });
          await answer.text();
          answers.push(answer.status);
        }
        await new Promise((resolve) => setTimeout(resolve, 20));
      }
      const result = await uploading;
      delay.disable();
      expect(result.status).toBe(400);
      expect(await result.text()).toContain('more than 100,000 rows');
      expect(answers.length).toBeGreaterThan(0);
      expect(answers.every((status) => status === 200)).toBe(true);
      expect(delay.max / 1e6).toBeLessThan(2_000); // a whole-file parse held it for seconds
      process.stdout.write(
        `during a 10 MB blank-line upload: ${answers.length} requests answered, longest event-loop stall ${(delay.max / 1e6).toFixed(0)} ms\n`,
      );
    } finally {
      server.close();
    }
  });
});
