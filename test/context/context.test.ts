// Context datasets loaded by CCSU: template, all-or-nothing checking with problems by row and column
// (cells never echoed), a preview of what changes, confirm, idempotent re-load, replacement of the
// periods a file covers, history and audit.
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import * as cheerio from 'cheerio';
import { parse } from 'csv-parse/sync';
import {
  createOrganisation,
  createTestApp,
  csrfFrom,
  type Agent,
  type TestApp,
  signedInAs,
} from '../helpers/app.js';

let t: TestApp;
let analyst: Agent;
let partner: Agent;

const BROXBOURNE = 'E07000095';
const DACORUM = 'E07000096';

/** Sends a dataset's form as a browser does, then returns the page it lands on. */
async function send(dataset: string, csv: string, fields: Record<string, string> = {}) {
  const page = await analyst.get(`/ccsu/context/${dataset}`);
  let post = analyst.post(`/ccsu/context/${dataset}`).field('_csrf', csrfFrom(page.text));
  const values = {
    source: 'Test extract',
    'extracted_on-day': '1',
    'extracted_on-month': '4',
    'extracted_on-year': '2026',
    notes: '',
    ...fields,
  };
  for (const [name, value] of Object.entries(values)) post = post.field(name, value);
  return post.attach('file', Buffer.from(csv), `${dataset}.csv`);
}

/** Sends a file and, if it is right, confirms it from the preview (or cancels it). */
async function loadFile(dataset: string, csv: string, choice: 'confirm' | 'cancel' = 'confirm') {
  const sent = await send(dataset, csv);
  expect(sent.status).toBe(302);
  const preview = await analyst.get(sent.headers.location!);
  const $ = cheerio.load(preview.text);
  const action = $(`form[action$="/${choice}"]`).attr('action')!;
  const done = await analyst
    .post(action)
    .type('form')
    .send({ _csrf: csrfFrom(preview.text) });
  expect(done.status).toBe(302);
  return $;
}

const current = (dataset: string) =>
  t.db
    .selectFrom('context_counts as c')
    .innerJoin('context_loads as l', 'l.id', 'c.load_id')
    .where('l.status', '=', 'loaded')
    .where('c.dataset', '=', dataset)
    .select(['c.area_code', 'c.period_start', 'c.months', 'c.measure', 'c.substance_group', 'c.count'])
    .orderBy('c.period_start')
    .orderBy('c.area_code')
    .orderBy('c.measure')
    .orderBy('c.substance_group')
    .execute();

beforeAll(async () => {
  t = await createTestApp({ now: '2026-04-20T10:00:00Z' });
  const org = await createOrganisation(t, { name: 'Treatment', code: 'TRE' });
  analyst = await signedInAs(t, 'ccsu_analyst');
  partner = await signedInAs(t, 'partner', org.id);
});
afterAll(() => t.close());

describe('the context data pages', () => {
  it('when an analyst opens context data then each dataset is listed with whether anything is loaded', async () => {
    const $ = cheerio.load((await analyst.get('/ccsu/context')).text);
    const list = $('#datasets').text();
    expect(list).toContain('Ambulance call-outs');
    expect(list).toContain('Hospital admissions');
    expect(list).toContain('ONS deaths registered');
    expect(list).toContain('Nothing loaded yet');
  });

  it('when a partner asks for context data then it is not there for them', async () => {
    for (const path of ['/ccsu/context', '/ccsu/context/ambulance', '/ccsu/context/ons/template.csv'])
      expect([403, 404]).toContain((await partner.get(path)).status);
  });

  it('when an unknown dataset is asked for then the page is not found', async () => {
    expect((await analyst.get('/ccsu/context/weather')).status).toBe(404);
  });

  it('when an analyst downloads a template then it has the dataset’s columns and rows a file can copy', async () => {
    const response = await analyst.get('/ccsu/context/hospital/template.csv');
    expect(response.status).toBe(200);
    const [header, first] = parse(response.text, { bom: true }) as string[][];
    expect(header).toEqual(['gss_code', 'period', 'measure', 'count']);
    expect(first![0]).toBe(BROXBOURNE);
    // The template itself loads.
    const sent = await send('hospital', response.text.replace(/^\uFEFF/, ''));
    expect(sent.status).toBe(302);
  });
});

describe('checking a file', () => {
  it('when rows are wrong then each is named by row and column, nothing is loaded, and cells are not echoed', async () => {
    const response = await send(
      'ambulance',
      [
        'gss_code,month,substance_group,count',
        `${BROXBOURNE},2026-01,,12`,
        '=HYPERLINK("http://evil.test"),2026-01,,3',
        `E07999999,2026-13,,4`,
        `${DACORUM},2026-02,Jane Smith,-1`,
        `${DACORUM},2027-02,,5`,
        `${BROXBOURNE},2026-01,,12`,
        `${DACORUM},2026-03,opioids,4`,
      ].join('\n'),
    );
    expect(response.status).toBe(400);
    const $ = cheerio.load(response.text);
    expect($('#file-error').text()).toContain('Nothing was loaded');
    const problems = $('#file-problems').text();
    expect(problems).toContain('Row 3, gss_code: enter a GSS code');
    expect(problems).toContain('Row 4, gss_code: E07999999 is not the code of an area here');
    expect(problems).toContain('Row 4, month: enter a month like 2026-03');
    expect(problems).toContain('Row 5, substance_group');
    expect(problems).toContain('Row 5, count: enter a whole number');
    expect(problems).toContain('Row 6, month: enter a period from 2000 up to this month');
    expect(problems).toContain('Row 7: the same area, period and measure appear twice');
    expect(problems).toContain("Row 8, substance_group: give this area and month's total");
    expect(response.text).not.toContain('evil.test');
    expect(response.text).not.toContain('Jane Smith');
    expect(await current('ambulance')).toEqual([]);
    expect(
      await t.db.selectFrom('context_loads').selectAll().where('dataset', '=', 'ambulance').execute(),
    ).toEqual([]);
  });

  it('when a file is hostile — not a CSV, too big, too long — then it gets one plain message and nothing is loaded', async () => {
    const problemsOf = async (csv: string | Buffer) => {
      const page = await analyst.get('/ccsu/context/ambulance');
      const response = await analyst
        .post('/ccsu/context/ambulance')
        .field('_csrf', csrfFrom(page.text))
        .field('source', 'Test extract')
        .field('extracted_on-day', '1')
        .field('extracted_on-month', '4')
        .field('extracted_on-year', '2026')
        .attach('file', Buffer.isBuffer(csv) ? csv : Buffer.from(csv), 'ambulance.csv');
      expect(response.status).toBe(400);
      const $ = cheerio.load(response.text);
      return `${$('#file-error').text()} ${$('#file-problems').text()}`;
    };
    const binary = Buffer.from(Array.from({ length: 4096 }, (_, i) => (i * 7919) % 256));
    expect(await problemsOf(binary)).toMatch(
      /must be a CSV or Excel \(\.xlsx\) file|The first row must name the columns/,
    );
    expect(await problemsOf(Buffer.alloc(11 * 1024 * 1024, 'a'))).toContain('must be smaller than 10 MB');
    const long = [
      'gss_code,month,count',
      ...Array.from({ length: 200_001 }, () => `${BROXBOURNE},2026-01,1`),
    ];
    expect(await problemsOf(long.join('\n'))).toContain('The file has more than 200,000 rows');
    expect(await current('ambulance')).toEqual([]);
  });

  it('when Excel has turned 2025-10 into Oct-25 then the month is read; one period problem on twenty rows is said once', async () => {
    const excel = await send(
      'ambulance',
      [
        'gss_code,month,count',
        `${BROXBOURNE},Oct-25,7`,
        `${BROXBOURNE},November 2025,8`,
        `${BROXBOURNE},12/2025,9`,
      ].join('\n'),
    );
    expect(excel.status).toBe(302);
    const preview = cheerio.load((await analyst.get(excel.headers.location!)).text);
    expect(preview('main').text()).toContain('October 2025');
    const bad = await send(
      'ambulance',
      ['gss_code,month,count', ...Array.from({ length: 20 }, () => `${BROXBOURNE},last month,3`)].join('\n'),
    );
    const items = cheerio.load(bad.text)('#file-problems li');
    expect(items).toHaveLength(1);
    expect(items.text()).toBe('Rows 2 to 21 (20 rows), month: enter a month like 2026-03');
  });

  it('when the headings are not the template’s then the file is refused with the columns it needs', async () => {
    const response = await send('ons', 'area,year,deaths\nE07000095,2024,3');
    expect(cheerio.load(response.text)('#file-problems').text()).toContain(
      'The first row must name the columns gss_code, year, measure, count',
    );
  });

  it('when the source or extraction date is missing or in the future then the error is by the field', async () => {
    const file = 'gss_code,year,measure,count\nE07000095,2024,drug_poisoning,3';
    const noSource = await send('ons', file, { source: '' });
    expect(noSource.status).toBe(400);
    expect(cheerio.load(noSource.text)('#source-error').text()).toContain('Say where the figures come from');
    const future = await send('ons', file, { 'extracted_on-year': '2027' });
    expect(future.status).toBe(400);
    expect(cheerio.load(future.text)('#extracted_on-error').text()).toContain('today or in the past');
    expect(await current('ons')).toEqual([]);
  });
});

describe('loading, re-loading and replacing', () => {
  const first = [
    'gss_code,period,measure,count',
    `${BROXBOURNE},2026-01,drug_poisoning,10`,
    `${BROXBOURNE},2026-02,drug_poisoning,11`,
    `${BROXBOURNE},2026-03,drug_poisoning,12`,
    `${DACORUM},2026-03,alcohol_specific,30`,
  ].join('\n');

  it('when a right file is previewed then nothing is current until it is confirmed', async () => {
    const sent = await send('hospital', first);
    const preview = cheerio.load((await analyst.get(sent.headers.location!)).text);
    expect(preview('#load-summary').text()).toContain('January 2026 to March 2026');
    expect(preview('#changes').text()).toContain('4 new figures');
    expect(await current('hospital')).toEqual([]);
  });

  it('when the analyst confirms then the figures are current, audited and listed in the history', async () => {
    await loadFile('hospital', first);
    expect((await current('hospital')).map((r) => r.count)).toEqual([10, 11, 12, 30]);
    const entry = await t.db
      .selectFrom('audit_log')
      .selectAll()
      .where('action', '=', 'context_loaded')
      .executeTakeFirstOrThrow();
    expect(entry.detail).toMatchObject({ dataset: 'hospital', rows: 4, from: '2026-01', to: '2026-03' });
    const $ = cheerio.load((await analyst.get('/ccsu/context/hospital')).text);
    expect($('#history').text()).toContain('January 2026 to March 2026');
    expect($('#history').text()).toContain('Test extract');
  });

  it('when the same file is loaded again then the preview says nothing changes and nothing does', async () => {
    const $ = await loadFile('hospital', first);
    expect($('#changes').text()).toContain('loading the file again changes nothing');
    expect((await current('hospital')).map((r) => r.count)).toEqual([10, 11, 12, 30]);
  });

  it('when a file covers some of the periods then it replaces those periods only', async () => {
    const $ = await loadFile(
      'hospital',
      [
        'gss_code,period,measure,count',
        `${BROXBOURNE},2026-02,drug_poisoning,11`,
        `${BROXBOURNE},2026-03,drug_poisoning,15`,
      ].join('\n'),
    );
    const changes = $('#changes').text();
    expect(changes).toContain('1 figure changed');
    expect(changes).toContain('1 figure the same as now');
    expect(changes).toContain('1 figure now loaded for these periods is not in the file and will be removed');
    expect((await current('hospital')).map((r) => [r.period_start, r.measure, r.count])).toEqual([
      ['2026-01', 'drug_poisoning', 10],
      ['2026-02', 'drug_poisoning', 11],
      ['2026-03', 'drug_poisoning', 15],
    ]);
  });

  it('when the analyst chooses not to load a file then nothing changes and the preview is gone', async () => {
    const sent = await send('hospital', 'gss_code,period,measure,count\nE07000095,2026-Q1,drug_poisoning,99');
    const location = sent.headers.location!;
    const preview = await analyst.get(location);
    await analyst
      .post(`${location}/cancel`)
      .type('form')
      .send({ _csrf: csrfFrom(preview.text) });
    expect((await current('hospital')).map((r) => r.count)).toEqual([10, 11, 15]);
    expect((await analyst.get(location)).headers.location).toBe('/ccsu/context/hospital');
  });

  it('when quarters and years are loaded then each is stored as its first month and length', async () => {
    await loadFile('hospital', 'gss_code,period,measure,count\nE07000095,2025-Q4,alcohol_specific,40');
    await loadFile(
      'ons',
      'gss_code,year,measure,count\nE07000095,2024,drug_poisoning,7\nE07000095,2024,drug_misuse,5',
    );
    expect((await current('hospital'))[0]).toMatchObject({ period_start: '2025-10', months: 3, count: 40 });
    expect((await current('ons')).map((r) => [r.period_start, r.months, r.measure])).toEqual([
      ['2024-01', 12, 'drug_misuse'],
      ['2024-01', 12, 'drug_poisoning'],
    ]);
  });
});
