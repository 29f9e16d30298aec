// Bulk upload: files generated here (never hand-edited binaries) go through the real upload form, preview
// and confirm, against a real PostgreSQL.
import * as cheerio from 'cheerio';
import { afterAll, beforeAll, describe, expect, it, jest } from '@jest/globals';
import { parse } from 'csv-parse/sync';
import { stringify } from 'csv-stringify/sync';
import ExcelJS from 'exceljs';
import { sql } from 'kysely';
import yazl from 'yazl';
import { createOrganisation, createTestApp, type Agent, type TestApp, signedInAs } from '../helpers/app.js';
import type { Organisation } from '../../src/db/types.js';
import { uploadHeader, uploadRow } from '../helpers/upload-rows.js';
import { within, summaryValue } from '../helpers/within.js';

jest.setTimeout(120_000);

let t: TestApp;
let org: Organisation;
let partner: Agent;
let otherPartner: Agent;
let analyst: Agent;

const UPLOAD = '/returns/2026-03/upload';
const NHS = '9434765919'; // passes the check digit

beforeAll(async () => {
  t = await createTestApp({
    now: '2026-04-02T10:00:00Z',
    // The expiry test moves the clock an hour on: sessions outlast it.
    env: { UPLOAD_XLSX_MAX_UNPACKED_MB: '2', UPLOAD_XLSX_MAX_PARTS: '40', SESSION_IDLE_MINUTES: '120' },
  });
  org = await createOrganisation(t, { name: 'Upload Treatment', code: 'UPT', active_from: '2026-01' });
  const other = await createOrganisation(t, { name: 'Other Org', code: 'OTH', active_from: '2026-01' });
  partner = await signedInAs(t, 'partner', org.id);
  otherPartner = await signedInAs(t, 'partner', other.id);
  analyst = await signedInAs(t, 'ccsu_analyst');
});
afterAll(() => t.close());

const header = uploadHeader;
const row = uploadRow;
const csv = (rows: string[][], head = [...header]) => Buffer.from(stringify([head, ...rows]));

async function preview(file: Buffer, name = 'records.csv', agent = partner) {
  const response = await agent.upload(UPLOAD, file, name);
  if (response.status !== 302) return { response, page: response };
  return { response, page: await agent.get(response.headers.location!) };
}
const uploadIdOf = (location: string) => Number(/upload\/(\d+)$/.exec(location)![1]);
async function confirm(location: string) {
  const page = await partner.get(location);
  return partner.submit(`${location}/confirm`, {}, location).then((r) => ({ r, page }));
}
const recordsOf = () =>
  t.db
    .selectFrom('records')
    .selectAll()
    .where('organisation_id', '=', org.id)
    .orderBy('partner_record_ref')
    .execute();

describe('the template', () => {
  it('when the CSV template is downloaded then its header is the data-dictionary field names and an example row', async () => {
    const response = await partner.get('/returns/template.csv');
    expect(response.status).toBe(200);
    const rows = parse(response.text, { bom: true }) as string[][];
    expect(rows[0]!.slice(0, 3)).toEqual(['partner_record_ref', 'date_of_death', 'date_of_death_basis']);
    expect(rows[0]).toEqual(
      expect.arrayContaining(['nhs_number', 'surname', 'first_initial', 'date_of_birth']),
    );
    expect(rows[1]![0]).toBe('EXAMPLE ROW (ignored)');
  });

  it('when the XLSX template is downloaded then it has the allowed codes and labels on a second sheet', async () => {
    const response = await partner
      .get('/returns/template.xlsx')
      .buffer(true)
      .parse((res, done) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => done(null, Buffer.concat(chunks)));
      });
    const workbook = new ExcelJS.Workbook();
    await workbook.xlsx.load(response.body as never);
    expect(workbook.worksheets.map((w) => w.name)).toEqual(['Records', 'Allowed values', 'Columns']);
    const allowed = workbook.getWorksheet('Allowed values')!;
    const values = allowed.getSheetValues().map((r) => (Array.isArray(r) ? r.slice(1, 4) : []));
    expect(values).toContainEqual(['sex', 'female', 'Female']);
  });

  it('when the template is uploaded unchanged then the example row is ignored and the file has no rows', async () => {
    const template = (await partner.get('/returns/template.csv')).text;
    const { response } = await preview(Buffer.from(template), 'template.csv');
    expect(response.status).toBe(400);
    expect(within(response, '.govuk-error-summary')).toContain(
      'The file has no rows of records under the header row',
    );
  });
});

describe('a clean file', () => {
  let location: string;
  it('when a valid CSV is uploaded then the preview counts the new rows and nothing is saved yet', async () => {
    const file = Buffer.concat([
      Buffer.from('\uFEFF'),
      csv([row('UP-001'), row('00042', { sex: 'Female', substances: 'Cocaine; alcohol ' })]),
    ]);
    const { response, page } = await preview(file);
    expect(response.status).toBe(302);
    location = response.headers.location!;
    expect(summaryValue(page, 'New deaths')).toBe('2');
    expect(within(page, 'main')).toContain('Confirm and save 2 changes');
    expect(await recordsOf()).toHaveLength(0);
  });

  it('when the preview is confirmed then both records are saved, leading zeros kept, and the upload audited', async () => {
    const { r } = await confirm(location);
    expect(r.status).toBe(302);
    const records = await recordsOf();
    expect(records.map((x) => x.partner_record_ref)).toEqual(['00042', 'UP-001']);
    expect(records[0]).toMatchObject({ sex: 'female', substances: ['cocaine', 'alcohol'], age_at_death: 44 });
    const audits = await t.db
      .selectFrom('audit_log')
      .selectAll()
      .where('action', '=', 'upload_confirmed')
      .execute();
    expect(audits).toHaveLength(1);
    expect(audits[0]!.detail).toMatchObject({ file_name: 'records.csv', counts: { new: 2 } });
    expect(within(await partner.get('/returns/2026-03'), '.govuk-notification-banner')).toContain(
      'File applied: 2 added',
    );
  });

  it('when the same preview is confirmed twice (a double click) then the second changes nothing', async () => {
    const { r } = await confirm(location);
    expect(r.status).toBe(302);
    expect(within(await partner.get('/returns/2026-03'), '.govuk-notification-banner')).toContain(
      'already been applied',
    );
    expect(await recordsOf()).toHaveLength(2);
  });

  it('when the same file is uploaded again then every row is unchanged and the page says so', async () => {
    const file = Buffer.concat([
      Buffer.from('\uFEFF'),
      csv([row('UP-001'), row('00042', { sex: 'Female', substances: 'Cocaine; alcohol ' })]),
    ]);
    const { page } = await preview(file);
    expect(summaryValue(page, 'Unchanged')).toBe('2');
    expect(within(page, 'main')).toContain('Nothing to change');
  });

  it('when a row changes and another is withdrawn then the preview says so and confirm applies both', async () => {
    const file = csv(
      [row('UP-001', { age_at_death: '45' }), [...row('00042'), 'duplicate']],
      [...header, 'withdrawn_reason'],
    );
    const { response, page } = await preview(file);
    expect(summaryValue(page, 'Updated')).toBe('1');
    expect(summaryValue(page, 'Withdrawn')).toBe('1');
    await confirm(response.headers.location!);
    const records = await recordsOf();
    expect(records.find((x) => x.partner_record_ref === 'UP-001')!.age_at_death).toBe(45);
    expect(records.find((x) => x.partner_record_ref === '00042')).toMatchObject({
      record_status: 'withdrawn',
      withdrawn_reason: 'duplicate',
    });
  });
});

describe('problems', () => {
  it('when rows break the rules then each problem has its row, cell, column, value and message, grouped by column', async () => {
    const rows = [
      row('BAD-1', { date_of_death: '2027-01-01' }), // row 2: future
      row('BAD-2', { date_of_death: '2027-01-02', sex: 'robot' }), // row 3: future + bad code
      row('BAD-3', { age_at_death: '41.5' }), // row 4: decimal age
      row(NHS), // row 5: an NHS number as a reference
      row('BAD-1'), // row 6: repeated reference
      row('BAD-6', { substances: 'none_detected;alcohol' }), // row 7: cross-field rule
      row('BAD-7', { date_partner_aware: '2026-03-01' }), // row 8: aware before death
    ];
    const { response, page } = await preview(csv(rows));
    expect(response.status).toBe(302);
    const text = page.text;
    expect(text).toContain('There is a problem');
    expect(text).toMatch(/<title>Error: /);
    expect(text).toContain('Date of death must be today or in the past');
    expect(text).toMatch(/B3 <code>date_of_death<\/code>/);
    expect(text).toMatch(/I3 <code>sex<\/code>/);
    expect(text).toContain('Cell holds: text, 5 characters'); // described, never repeated
    expect(text).toContain('Age at death must be a whole number');
    expect(text).toContain('Your reference must not be an NHS number');
    expect(text).toContain('This reference is also on row 2');
    expect(text).toContain('cannot be selected with any other substance');
    // Grouped: the future date is one line with 2 rows.
    const $ = cheerio.load(text);
    const future = $('tbody tr').filter(
      (_, tr) =>
        $(tr).find('td[data-label="Problem"]').text() === 'Date of death must be today or in the past',
    );
    expect(future.find('td[data-label="Rows"]').text()).toBe('2');
    expect(text).not.toContain('Confirm and save');

    const report = await partner.get(`${response.headers.location}/problems.csv`);
    const problems = parse(report.text, { columns: true, bom: true }) as Record<string, string>[];
    expect(problems).toContainEqual(
      expect.objectContaining({ row: '3', cell: 'I3', column: 'sex', value: 'text, 5 characters' }),
    );
    expect(new Set(problems.map((p) => p.row))).toEqual(new Set(['2', '3', '4', '5', '6', '7', '8']));
  });

  it('when the header row is not the template’s then the whole file is refused naming the columns', async () => {
    const head = header.filter((h) => h !== 'sex').concat('patient_name');
    const { response } = await preview(csv([row('H-1').slice(0, 12).concat('x')], head));
    expect(response.status).toBe(400);
    expect(within(response, '.govuk-error-summary')).toContain('missing sex');
    expect(within(response, '.govuk-error-summary')).toContain('not in the template patient_name');
    expect(response.text).toContain('govuk-error-summary');
  });

  it('when a PNG is renamed .csv then it is refused as not a spreadsheet', async () => {
    const png = Buffer.from(
      'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==',
      'base64',
    );
    const { response } = await preview(png, 'records.csv');
    expect(response.status).toBe(400);
    expect(within(response, '.govuk-error-summary')).toContain('it is a PNG file');
  });

  it('when an XLSX is a zip bomb then it is refused before it is unpacked', async () => {
    const zip = new yazl.ZipFile();
    zip.addBuffer(Buffer.from('<Types/>'), '[Content_Types].xml');
    zip.addBuffer(Buffer.alloc(20 * 1024 * 1024), 'xl/worksheets/sheet1.xml'); // 20 MB of zeros → a few KB
    zip.end();
    const chunks: Buffer[] = [];
    for await (const c of zip.outputStream as AsyncIterable<Buffer>) chunks.push(c);
    const bomb = Buffer.concat(chunks);
    expect(bomb.length).toBeLessThan(100_000);
    const { response } = await preview(bomb, 'bomb.xlsx');
    expect(response.status).toBe(400);
    expect(response.text).toMatch(/Excel file|CSV or Excel/);
  });
});

describe('encodings, delimiters, dates and Excel', () => {
  it('when a Windows-1252 file with semicolons and DD/MM/YYYY dates is uploaded then it reads correctly', async () => {
    const text = stringify(
      [
        header,
        row('W-1252', {
          date_of_death: '09/03/2026',
          date_partner_aware: '11/03/2026',
          substances: 'Cocaine',
        }),
      ],
      { delimiter: ';' },
    );
    const file = Buffer.from(text, 'latin1'); // latin1 is Windows-1252 for these characters
    const withPound = Buffer.concat([file, Buffer.from([0xa3, 0x0a])]); // a stray £ line: invalid UTF-8
    const { response, page } = await preview(withPound, 'windows.csv');
    expect(response.status).toBe(302);
    expect(summaryValue(page, 'New deaths')).toBe('1');
  });

  it('when an Excel file has date cells, day numbers, numeric ages and text references then all are read', async () => {
    const workbook = new ExcelJS.Workbook();
    const sheet = workbook.addWorksheet('Records');
    sheet.addRow([...header, 'nhs_number']);
    const r1 = row('X-0007');
    const excelRow = sheet.addRow([...r1, NHS]);
    excelRow.getCell(2).value = new Date(Date.UTC(2026, 2, 8)); // a real date cell
    excelRow.getCell(4).value = 46093; // Excel day number for 12 March 2026
    excelRow.getCell(8).value = 39; // age as a number
    sheet.addRow([]); // a blank row is tolerated
    const file = Buffer.from(await workbook.xlsx.writeBuffer());
    const { response, page } = await preview(file, 'records.xlsx');
    expect(response.status).toBe(302);
    expect(summaryValue(page, 'New deaths')).toBe('1');
    await confirm(response.headers.location!);
    const saved = (await recordsOf()).find((r) => r.partner_record_ref === 'X-0007')!;
    expect(saved).toMatchObject({
      date_of_death: '2026-03-08',
      date_partner_aware: '2026-03-12',
      age_at_death: 39,
    });
    expect(saved.match_key_nhs).toMatch(/^[0-9a-f]{64}$/);
    // The NHS number itself is nowhere in the database.
    const dump = await sql<{ found: number }>`
      select (select count(*) from upload_rows where data::text like ${`%${NHS}%`})
           + (select count(*) from upload_errors where value like ${`%${NHS}%`})
           + (select count(*) from audit_log where detail::text like ${`%${NHS}%`})
           + (select count(*) from records where records::text like ${`%${NHS}%`}) as found`.execute(t.db);
    expect(Number(dump.rows[0]!.found)).toBe(0);
  });
});

describe('linkage identifiers in a file', () => {
  it('when a row gives a date of birth but no age then the age is worked out from it, as on the form', async () => {
    const head = [...header, 'surname', 'first_initial', 'date_of_birth'];
    const file = csv([[...row('DOB-1', { age_at_death: '' }), 'Smithfield', 'J', '1980-06-20']], head);
    const { response, page } = await preview(file);
    expect(response.status).toBe(302);
    expect(summaryValue(page, 'New deaths')).toBe('1');
    await confirm(response.headers.location!);
    const saved = (await recordsOf()).find((r) => r.partner_record_ref === 'DOB-1')!;
    expect(saved.age_at_death).toBe(45); // died 10 March 2026
    expect(saved.match_key_demo).toMatch(/^[0-9a-f]{64}$/);
    expect(JSON.stringify(saved)).not.toContain('1980-06-20');
  });
});

describe('all or nothing', () => {
  it('when the database fails on one row during confirm then no row of the file is saved', async () => {
    const before = (await recordsOf()).length;
    const { response } = await preview(csv([row('ATOM-1'), row('ATOM-2'), row('ATOM-3')]));
    await sql`create function fail_on_atom3() returns trigger language plpgsql as $$
      begin if new.partner_record_ref = 'ATOM-3' then raise exception 'forced failure'; end if; return new; end $$`.execute(
      t.db,
    );
    await sql`create trigger fail_on_atom3 before insert on records for each row execute function fail_on_atom3()`.execute(
      t.db,
    );
    try {
      const { r } = await confirm(response.headers.location!);
      expect(r.status).toBe(500);
    } finally {
      await sql`drop trigger fail_on_atom3 on records`.execute(t.db);
    }
    expect(await recordsOf()).toHaveLength(before);
    const upload = await t.db
      .selectFrom('uploads')
      .selectAll()
      .where('id', '=', uploadIdOf(response.headers.location!))
      .executeTakeFirstOrThrow();
    expect(upload.status).toBe('pending');
    // And once the fault is gone, the same preview applies cleanly.
    await confirm(response.headers.location!);
    expect(await recordsOf()).toHaveLength(before + 3);
  });

  it('when the return changes between preview and confirm then the confirm is refused', async () => {
    const { response } = await preview(csv([row('RACE-1')]));
    const other = await preview(csv([row('RACE-2')]));
    await confirm(other.response.headers.location!);
    const { r } = await confirm(response.headers.location!);
    expect(r.headers.location).toContain('problem=changed');
    expect((await recordsOf()).some((x) => x.partner_record_ref === 'RACE-1')).toBe(false);
  });

  it('when a preview is left unconfirmed then it expires and its staged rows are deleted', async () => {
    const { response } = await preview(csv([row('LATE-1')]));
    const id = uploadIdOf(response.headers.location!);
    t.clock.advance(61 * 60_000);
    expect(await t.services.uploads.expire()).toBeGreaterThan(0);
    expect(
      await t.db.selectFrom('upload_rows').where('upload_id', '=', id).selectAll().execute(),
    ).toHaveLength(0);
    const { r } = await confirm(response.headers.location!);
    expect(r.headers.location).toContain('problem=expired');
    t.clock.set(new Date('2026-04-02T10:00:00Z'));
  });
});

describe('access', () => {
  it('when another partner or an analyst tries an upload then it is refused', async () => {
    const { response } = await preview(csv([row('PRIV-1')]));
    const location = response.headers.location!;
    expect((await otherPartner.get(location)).status).toBe(404);
    expect((await otherPartner.get(`${location}/problems.csv`)).status).toBe(404);
    expect((await analyst.get(location)).status).toBe(403);
    expect((await analyst.get(UPLOAD)).status).toBe(403);
  });
});

describe('a large file', () => {
  it('when rows fall in different batches then saved records and repeated references are still found', async () => {
    // Rows are checked 1,000 at a time: a saved record far down the file is still an update, and a
    // reference repeated across batches is still a duplicate.
    const first = await preview(csv([row('SPAN-1500')]), 'first.csv');
    await confirm(first.response.headers.location!);
    const rows = Array.from({ length: 1_600 }, (_, i) =>
      row(`SPAN-${i}`, i === 1_500 ? { age_at_death: '45' } : {}),
    );
    rows.push(row('SPAN-3'));
    const { page } = await preview(csv(rows), 'span.csv');
    expect(summaryValue(page, 'Updated')).toBe('1');
    expect(within(page, '.govuk-error-summary')).toContain(
      'This reference is also on row 5: each death must be on one row',
    );
  });

  it('when 50,000 rows are uploaded then all are previewed and confirmed in one go', async () => {
    const rows = Array.from({ length: 50_000 }, (_, i) => row(`BULK-${i}`));
    const { response, page } = await preview(csv(rows), 'bulk.csv');
    expect(response.status).toBe(302);
    expect(summaryValue(page, 'New deaths')).toBe('50000');
    const before = (await recordsOf()).length;
    await confirm(response.headers.location!);
    expect((await recordsOf()).length).toBe(before + 50_000);
  });
});
