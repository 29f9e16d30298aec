// CCSU collation: compliance, collated records with versions, exports that open in real parsers, lock and reopen.
import * as cheerio from 'cheerio';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { parse } from 'csv-parse/sync';
import ExcelJS from 'exceljs';
import {
  addCompleteRecord,
  completeRecordSections,
  createOrganisation,
  createTestApp,
  type Agent,
  type TestApp,
  signedInAs,
} from '../helpers/app.js';
import type { Organisation } from '../../src/db/types.js';
import { neutralise } from '../../src/lib/exports.js';
import { within, summaryValue } from '../helpers/within.js';

let t: TestApp;
let tricky: Organisation;
let partner: Agent;
let analyst: Agent;
let admin: Agent;
let recordId: number;

const binary = (res: import('superagent').Response, done: (err: Error | null, body: Buffer) => void) => {
  const chunks: Buffer[] = [];
  res.on('data', (c: Buffer) => chunks.push(c));
  res.on('end', () => done(null, Buffer.concat(chunks)));
};

beforeAll(async () => {
  t = await createTestApp({ now: '2026-04-20T10:00:00Z' });
  tricky = await createOrganisation(t, {
    name: '=HYPERLINK("http://x"), "Ærø" Services',
    code: 'TRK',
    active_from: '2026-02',
  });
  await createOrganisation(t, { name: 'Silent Org', code: 'SIL', active_from: '2026-02', type: 'police' });
  partner = await signedInAs(t, 'partner', tricky.id);
  analyst = await signedInAs(t, 'ccsu_analyst');
  admin = await signedInAs(t, 'ccsu_admin');
  recordId = await addCompleteRecord(partner, '2026-03', '-SUM-1');
  await partner.submit(`/returns/2026-03/records/${recordId}/linkage`, { nhs_number: '943 476 5919' });
  await partner.submit('/returns/2026-03/submit', { declaration: 'yes' }, '/returns/2026-03/check');
});
afterAll(() => t.close());

describe('compliance', () => {
  it('when an analyst opens the matrix then every organisation and month shows its status in words', async () => {
    const page = await analyst.get('/ccsu/compliance');
    expect(page.status).toBe(200);
    expect(within(page, 'main')).toContain('Silent Org');
    expect(page.text).toMatch(/Submitted late|Submitted/);
    expect(within(page, 'main')).toContain('Overdue');
    const police = await analyst.get('/ccsu/compliance?type=police');
    expect(within(police, 'main')).toContain('Silent Org');
    expect(police.text).not.toContain('Ærø');
  });

  it('when an analyst opens an organisation then its returns are listed month by month', async () => {
    const page = await analyst.get(`/ccsu/compliance/organisations/${tricky.id}`);
    expect(page.status).toBe(200);
    expect(within(page, 'main')).toContain('Returns, newest first');
    const march = cheerio
      .load(page.text)('tbody tr')
      .filter((_, tr) => cheerio.load(tr)('th').text() === 'March 2026');
    expect(march.find('td[data-label="Status"] .govuk-tag').text()).toMatch(/^Submitted/);
    expect((await analyst.get('/ccsu/compliance/organisations/99999')).status).toBe(404);
  });

  it('when the non-submitters are downloaded then the CSV lists them and the export is audited', async () => {
    const csv = await analyst.get('/ccsu/compliance/non-submitters.csv?period=2026-03');
    const rows = parse(csv.text.replace(/^\uFEFF/, ''), { columns: true }) as Record<string, string>[];
    expect(rows.map((r) => [r.organisation, r.status])).toEqual([['Silent Org', 'Overdue']]);
    const audit = await t.db.selectFrom('audit_log').selectAll().where('action', '=', 'export').execute();
    expect(audit.some((a) => a.entity === 'non_submitters')).toBe(true);
  });
});

describe('collated records', () => {
  it('when records are filtered then only matching ones are listed', async () => {
    expect(within(await analyst.get('/ccsu/records'), 'main')).toContain('-SUM-1');
    expect(
      within(await analyst.get('/ccsu/records?area=watford&substance=heroin_morphine'), 'main'),
    ).toContain('-SUM-1');
    expect((await analyst.get('/ccsu/records?area=dacorum')).text).not.toContain('-SUM-1');
    expect((await analyst.get('/ccsu/records?death_month=2026-02')).text).not.toContain('-SUM-1');
  });

  it('when a return is amended then the record page shows the field-level differences between versions', async () => {
    await partner.submit('/returns/2026-03/amend', { reason: 'toxicology_received' });
    const sections = completeRecordSections('-SUM-1');
    await partner.submit(`/returns/2026-03/records/${recordId}/death`, {
      ...sections.death!,
      evidence_stage: 'tox_received',
    });
    await partner.submit('/returns/2026-03/submit', { declaration: 'yes' }, '/returns/2026-03/check');
    const page = await analyst.get(`/ccsu/records/${recordId}`);
    expect(within(page, 'main')).toContain('Version 2 – amendment (Toxicology received)');
    const change = cheerio
      .load(page.text)('tbody tr')
      .filter((_, tr) => cheerio.load(tr)('th').text() === 'Evidence stage');
    expect(change.find('td[data-label="Before"] del').text()).toBe('Post-mortem done, awaiting toxicology');
    expect(change.find('td[data-label="After"] ins').text()).toBe('Toxicology received');
    // The answers read as the form asks them: grouped, with its labels, UK dates and worded flags.
    const card = (title: string) =>
      `.govuk-summary-card:has(.govuk-summary-card__title:contains("${title}"))`;
    expect(summaryValue(page, 'Date of death', card('The death'))).toBe('14 March 2026');
    expect(summaryValue(page, 'Sex', card('The person'))).toBe('Male');
    expect(summaryValue(page, 'Can be matched by NHS number')).toMatch(/^(Yes|No)$/);
    expect(page.text).not.toMatch(/has match key|record status|partner record ref/i);
  });
});

describe('exports', () => {
  it('when records are exported as CSV then a CSV parser reads back the database values, formulas neutralised', async () => {
    const csv = await analyst.get('/ccsu/records.csv');
    expect(csv.headers['content-type']).toContain('text/csv');
    const rows = parse(csv.text.replace(/^\uFEFF/, ''), { columns: true }) as Record<string, string>[];
    expect(rows).toHaveLength(1);
    const db = await t.db
      .selectFrom('records')
      .selectAll()
      .where('id', '=', recordId)
      .executeTakeFirstOrThrow();
    expect(rows[0]).toMatchObject({
      organisation: `'=HYPERLINK("http://x"), "Ærø" Services`,
      partner_record_ref: `'-SUM-1`,
      date_of_death: db.date_of_death,
      substances: 'heroin_morphine;alcohol',
      substances_label: 'Heroin or morphine; Alcohol',
      age_at_death: '41',
      has_nhs_key: 'yes',
    });
    expect(csv.text).not.toContain(db.match_key_nhs!);
  });

  it('when records are exported as XLSX then the workbook opens and matches', async () => {
    const response = await analyst.get('/ccsu/records.xlsx').buffer(true).parse(binary);
    const workbook = new ExcelJS.Workbook();
    await workbook.xlsx.load(response.body as ArrayBuffer);
    const sheet = workbook.getWorksheet('Records')!;
    const headers = (sheet.getRow(1).values as string[]).slice(1);
    const values = (sheet.getRow(2).values as unknown[]).slice(1);
    const row = Object.fromEntries(headers.map((h, i) => [h, values[i]]));
    expect(row).toMatchObject({
      organisation: `'=HYPERLINK("http://x"), "Ærø" Services`,
      partner_record_ref: `'-SUM-1`,
      evidence_stage: 'tox_received',
      age_at_death: 41,
      age_unknown: 'No',
    });
    // Dates are Excel dates shown in UK order; the header is bold, frozen and filters.
    expect(row.date_of_death).toEqual(new Date('2026-03-14T00:00:00Z'));
    expect(sheet.getColumn(headers.indexOf('date_of_death') + 1).numFmt).toBe('dd/mm/yyyy');
    expect(sheet.getRow(1).font?.bold).toBe(true);
    expect(sheet.views[0]).toMatchObject({ state: 'frozen', ySplit: 1 });
    expect(sheet.autoFilter).toBeTruthy();
    const audit = await t.db
      .selectFrom('audit_log')
      .selectAll()
      .where('action', '=', 'export')
      .where('entity', '=', 'records')
      .execute();
    expect(audit.map((a) => a.detail.format)).toEqual(['csv', 'xlsx']);
  });

  it('when cases and compliance are exported then they parse, one row per case and per organisation-month', async () => {
    const cases = parse((await analyst.get('/ccsu/cases.csv')).text.replace(/^\uFEFF/, ''), {
      columns: true,
    }) as Record<string, string>[];
    expect(cases).toHaveLength(1);
    expect(cases[0]).toMatchObject({
      source_records: '1',
      residence_area_label: 'Watford',
      evidence_stage: 'tox_received',
    });
    const compliance = parse((await analyst.get('/ccsu/compliance.csv')).text.replace(/^\uFEFF/, ''), {
      columns: true,
    }) as Record<string, string>[];
    expect(
      compliance
        .filter((r) => r.period === '2026-03')
        .map((r) => [r.organisation, r.status])
        .sort(),
    ).toEqual([
      [`'=HYPERLINK("http://x"), "Ærø" Services`, 'Submitted late'], // 20 April, after the 16 April deadline
      ['Silent Org', 'Overdue'],
    ]);
    const xlsx = await analyst.get('/ccsu/cases.xlsx').buffer(true).parse(binary);
    const workbook = new ExcelJS.Workbook();
    await workbook.xlsx.load(xlsx.body as ArrayBuffer);
    const casesSheet = workbook.getWorksheet('Cases')!;
    expect(casesSheet.rowCount).toBe(2);
    const caseHeaders = (casesSheet.getRow(1).values as string[]).slice(1);
    const caseRow = Object.fromEntries(
      caseHeaders.map((h, i) => [h, (casesSheet.getRow(2).values as unknown[]).slice(1)[i]]),
    );
    expect(caseRow).toMatchObject({
      evidence_stage: 'tox_received',
      evidence_stage_label: 'Toxicology received',
    });
    expect(caseRow.date_of_death).toBeInstanceOf(Date);
  });

  it('when a value starts with a formula character then it is neutralised', () => {
    for (const v of ['=1+1', '+44', '-2', '@SUM(A1)']) expect(neutralise(v)).toBe(`'${v}`);
    expect(neutralise('plain, "quoted"\nline')).toBe('plain, "quoted"\nline');
    expect(neutralise(12)).toBe(12);
  });
});

describe('lock and reopen', () => {
  it('when an analyst tries to lock or reopen then it is refused', async () => {
    expect((await analyst.submit('/ccsu/periods/2026-03/lock', {}, '/ccsu')).status).toBe(403);
    expect((await analyst.get(`/ccsu/returns/${tricky.id}/2026-03/reopen`)).status).toBe(403);
  });

  it('when an admin asks to lock a month then a confirmation page names who has not returned', async () => {
    const home = await admin.get('/ccsu?period=2026-03');
    expect(home.text).toContain('href="/ccsu/periods/2026-03/lock"');
    const confirm = await admin.get('/ccsu/periods/2026-03/lock');
    expect(confirm.status).toBe(200);
    expect(within(confirm, 'main')).toContain(
      'Locking March 2026 stops 2 organisations changing their returns',
    );
    expect(confirm.text).toMatch(
      /1 organisation has not returned for March 2026[\s\S]*?<li>Silent Org<\/li>/,
    );
    expect((await analyst.get('/ccsu/periods/2026-03/lock')).status).toBe(403);
  });

  it('when an admin locks a month then partners cannot amend it until an admin reopens their return', async () => {
    const locked = await admin.submit('/ccsu/periods/2026-03/lock', {}, '/ccsu/periods/2026-03/lock');
    expect(locked.status).toBe(302);
    expect((await partner.get('/returns/2026-03/amend')).headers.location).toBe('/returns/2026-03');
    const missing = await admin.submit(`/ccsu/returns/${tricky.id}/2026-03/reopen`, { reason: '' });
    expect(within(missing, '.govuk-error-summary')).toContain('Give the reason for reopening');
    const reopened = await admin.submit(`/ccsu/returns/${tricky.id}/2026-03/reopen`, {
      reason: 'Inquest concluded after lock',
    });
    expect(reopened.status).toBe(302);
    expect((await partner.get('/returns/2026-03/amend')).status).toBe(200);
    // A second administrator's reopen, sent from a page opened before the first: the return is open, as
    // asked; no second audit entry, and a 404 only for a return that does not exist.
    const again = await admin.submit(`/ccsu/returns/${tricky.id}/2026-03/reopen`, { reason: 'Same inquest' });
    expect(again.status).toBe(302);
    expect(within(await admin.get(again.headers.location!), '.govuk-notification-banner')).toContain(
      'The return was already reopened',
    );
    const none = await admin.submit(`/ccsu/returns/${tricky.id}/2019-01/reopen`, { reason: 'No such month' });
    expect(none.status).toBe(404);
    const actions = (
      await t.db
        .selectFrom('audit_log')
        .select(['action', 'detail'])
        .where('action', 'in', ['period_locked', 'return_reopened'])
        .execute()
    ).map((a) => a.action);
    expect(actions).toEqual(['period_locked', 'return_reopened']);
    const silent = await t.db
      .selectFrom('returns')
      .innerJoin('organisations', 'organisations.id', 'returns.organisation_id')
      .select(['returns.locked_at'])
      .where('organisations.code', '=', 'SIL')
      .where('period', '=', '2026-03')
      .executeTakeFirstOrThrow();
    expect(silent.locked_at).not.toBeNull(); // a month with no return from Silent Org is locked for it too
  });
});

describe('access', () => {
  it('when a partner tries any collation page or export then it is refused', async () => {
    for (const path of [
      '/ccsu/compliance',
      '/ccsu/compliance/non-submitters.csv',
      '/ccsu/records',
      '/ccsu/records.csv',
      '/ccsu/records.xlsx',
      `/ccsu/records/${recordId}`,
      `/ccsu/returns/${tricky.id}/2026-03/reopen`,
      '/ccsu',
      '/ccsu/compliance.csv',
      '/ccsu/compliance.xlsx',
      `/ccsu/compliance/organisations/${tricky.id}`,
      '/ccsu/cases.csv',
      '/ccsu/cases.xlsx',
      '/ccsu/cases/1',
      '/ccsu/review',
      '/ccsu/review/1',
      '/ccsu/queries',
      '/admin/audit',
      '/admin/audit.csv',
    ]) {
      const response = await partner.get(path);
      expect([path, response.status]).toEqual([path, 403]);
    }
    for (const path of [
      '/ccsu/periods/2026-03/lock',
      `/ccsu/returns/${tricky.id}/2026-03/reopen`,
      '/ccsu/review/1',
      '/ccsu/review/1/undo',
      '/ccsu/queries/1/close',
      `/ccsu/records/${recordId}/queries`,
      '/ccsu/summary',
    ]) {
      const response = await partner.submit(
        path,
        { decision: 'linked', reason: 'x', period: '2026-03' },
        '/returns',
      );
      expect([path, response.status]).toEqual([path, 403]);
    }
  });

  it('when an analyst tries to lock a month or reopen a return then it is refused', async () => {
    expect((await analyst.submit('/ccsu/periods/2026-03/lock', {}, '/ccsu')).status).toBe(403);
    expect((await analyst.get(`/ccsu/returns/${tricky.id}/2026-03/reopen`)).status).toBe(403);
    expect(
      (await analyst.submit(`/ccsu/returns/${tricky.id}/2026-03/reopen`, { reason: 'x' }, '/ccsu')).status,
    ).toBe(403);
  });
});
