// LDIS alerts: entered by CCSU with errors by the field, linked to the records that give their
// reference, and shown beside early warnings about the same substances (last 90 days only).
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import * as cheerio from 'cheerio';
import {
  createOrganisation,
  createTestApp,
  csrfFrom,
  type Agent,
  type TestApp,
  signedInAs,
} from '../helpers/app.js';
import { submittedRecord } from '../helpers/records.js';
import type { NewRecord, Organisation } from '../../src/db/types.js';

let t: TestApp;
let org: Organisation;
let analyst: Agent;

const alertForm = (reference: string, substances: string[], day = '1', month = '3') => ({
  reference,
  title: 'Nitazenes found in heroin sold in Watford',
  'issued_on-day': day,
  'issued_on-month': month,
  'issued_on-year': '2026',
  substances,
  areas: ['watford'],
  severity: 'urgent',
  link: '',
});

async function death(date: string, substances: string[], extra: Partial<NewRecord> = {}) {
  return submittedRecord(t, org, {
    date_of_death: date,
    substances,
    residence_area: 'watford',
    age_at_death: 20 + Number(date.slice(8)) * 2,
    ...extra,
  });
}

beforeAll(async () => {
  t = await createTestApp({ now: '2026-03-20T10:00:00Z' });
  org = await createOrganisation(t);
  analyst = await signedInAs(t, 'ccsu_analyst');
});
afterAll(() => t.close());

describe('adding LDIS alerts', () => {
  it('when the form has no substance and a wrong date then each error is by its field, and nothing is saved', async () => {
    const page = await analyst.submit('/ccsu/ldis/new', {
      ...alertForm('LDIS/2026/014', []),
      'issued_on-day': '31',
      'issued_on-month': '2',
    });
    expect(page.status).toBe(400);
    const $ = cheerio.load(page.text);
    expect($('#substances-error').text()).toContain('Choose at least one substance the alert is about');
    expect(await t.db.selectFrom('ldis_alerts').selectAll().execute()).toHaveLength(0);
  });

  it('when an alert is added then it is listed and audited; the same reference again is refused', async () => {
    const added = await analyst.submit('/ccsu/ldis/new', alertForm('ldis/2026/014', ['nitazene']));
    expect(added.headers.location).toBe('/ccsu/ldis');
    const again = await analyst.submit('/ccsu/ldis/new', alertForm('LDIS/2026/014', ['cocaine']));
    expect(cheerio.load(again.text)('#reference-error').text()).toContain('LDIS/2026/014 is already here');
    const $ = cheerio.load((await analyst.get('/ccsu/ldis')).text);
    expect($('tbody th').text()).toBe('LDIS/2026/014');
    const audit = await t.db
      .selectFrom('audit_log')
      .select('action')
      .where('action', '=', 'ldis_alert_added')
      .execute();
    expect(audit).toHaveLength(1);
  });
});

describe('an identifier given as a reference', () => {
  it('when an NHS number is typed as the reference then the form refuses it by the field, does not show it again, and saves nothing', async () => {
    const before = (await t.db.selectFrom('ldis_alerts').select('id').execute()).length;
    const page = await analyst.submit('/ccsu/ldis/new', alertForm('943 476 5919', ['nitazene']));
    expect(page.status).toBe(400);
    expect(cheerio.load(page.text)('#reference-error').text()).toContain(
      'The reference must not include an NHS number',
    );
    expect(page.text).not.toContain('943 476 5919');
    expect(await t.db.selectFrom('ldis_alerts').select('id').execute()).toHaveLength(before);
  });

  it('when a file gives an NHS number as a reference then the row is refused without repeating it', async () => {
    const page = await analyst.get('/ccsu/ldis');
    const response = await analyst
      .post('/ccsu/ldis/upload')
      .field('_csrf', csrfFrom(page.text))
      .attach(
        'file',
        Buffer.from(
          'reference,title,issued_on,substances,areas,severity,link\n943 476 5919,Strong batch,2026-03-15,heroin_morphine,watford,urgent,\n',
        ),
        'ldis.csv',
      );
    expect(response.status).toBe(400);
    expect(cheerio.load(response.text)('#file-problems').text()).toContain(
      'Row 2, reference: must not include an NHS number',
    );
    expect(response.text).not.toContain('943 476 5919');
  });
});

describe('linking and early warning', () => {
  it('when records give the reference (in any case) then the alert shows their cases', async () => {
    const id = await death('2026-03-02', ['nitazene'], { ldis_alert_ref: 'ldis/2026/014 ' });
    const caseId = (
      await t.db.selectFrom('records').select('case_id').where('id', '=', id).executeTakeFirstOrThrow()
    ).case_id;
    const alert = await t.db.selectFrom('ldis_alerts').select('id').executeTakeFirstOrThrow();
    const $ = cheerio.load((await analyst.get(`/ccsu/ldis/${alert.id}`)).text);
    expect($('#linked-cases tbody th').text()).toBe(`Case ${caseId}`);
  });

  it('when a nitazene cluster forms then its warning names the LDIS alert; an alert over 90 days old is not named', async () => {
    await analyst.submit('/ccsu/ldis/new', {
      ...alertForm('LDIS/2025/090', ['heroin_morphine']),
      'issued_on-year': '2025',
      'issued_on-month': '11',
    });
    await death('2026-03-05', ['nitazene']);
    await death('2026-03-09', ['nitazene']);
    expect(await t.services.alerts.detect()).toBe(1);
    const $ = cheerio.load((await analyst.get('/dashboard/alerts')).text);
    const card = $('.govuk-summary-card').first().text();
    expect(card).toContain('LDIS alert about the same substances in the last 90 days: LDIS/2026/014');
    expect(card).not.toContain('LDIS/2025/090');
    // The cluster's email names it too.
    const email = await t.db
      .selectFrom('outbox')
      .selectAll()
      .where('idempotency_key', 'like', 'early-warning:%')
      .executeTakeFirstOrThrow();
    expect(email.text).toContain('LDIS alerts about the same substances in the last 90 days:');
    expect(email.text).toContain(
      'LDIS/2026/014: Nitazenes found in heroin sold in Watford (issued 1 March 2026)',
    );
    expect(email.text).not.toContain('LDIS/2025/090');
  });

  it('when an LDIS alert is about a substance in a recent death but no cluster has formed then the alerts page lists it', async () => {
    await analyst.submit('/ccsu/ldis/new', { ...alertForm('LDIS/2026/020', ['xylazine'], '10') });
    await death('2026-03-11', ['xylazine']);
    const $ = cheerio.load((await analyst.get('/dashboard/alerts')).text);
    expect($('#ldis-recent').text()).toContain('LDIS/2026/020');
    expect($('#ldis-recent').text()).toContain('1 death in the last 90 days involved Xylazine');
  });
});

describe('loading LDIS alerts from a file', () => {
  const upload = async (csv: string) => {
    const page = await analyst.get('/ccsu/ldis');
    return analyst
      .post('/ccsu/ldis/upload')
      .field('_csrf', csrfFrom(page.text))
      .attach('file', Buffer.from(csv), 'ldis.csv');
  };
  const header = 'reference,title,issued_on,substances,areas,severity,link';

  it('when a row is wrong then each problem is named by row and column, nothing is saved, and cells are not echoed', async () => {
    const before = (await t.db.selectFrom('ldis_alerts').select('id').execute()).length;
    const response = await upload(
      [
        header,
        'LDIS/2026/030,Strong batch of heroin,2026-03-15,heroin_morphine,watford,urgent,',
        'LDIS/2026/031,Born 12/03/1980 case,2026-02-30,=cmd|calc,somewhere,high,ftp://x',
      ].join('\n'),
    );
    expect(response.status).toBe(400);
    const problems = cheerio.load(response.text)('#file-problems').text();
    expect(problems).toContain('Row 3, title: must not say when someone was born');
    expect(problems).toContain('Row 3, issued_on: enter a date like 2026-11-03');
    expect(problems).toContain('Row 3, substances: one is not a substance code in the data dictionary');
    expect(problems).toContain('Row 3, severity: enter information, warning or urgent');
    expect(response.text).not.toContain('cmd|calc');
    expect(response.text).not.toContain('12/03/1980');
    expect(await t.db.selectFrom('ldis_alerts').select('id').execute()).toHaveLength(before);
  });

  it('when a good file is loaded twice then its alerts are added once', async () => {
    const csv = [
      header,
      'LDIS/2026/030,Strong batch of heroin,2026-03-15,heroin_morphine;fentanyl_or_analogue,watford,urgent,https://ldis.example/30',
    ].join('\n');
    const first = await upload(csv);
    expect(first.headers.location).toBe('/ccsu/ldis');
    await upload(csv);
    const rows = await t.db
      .selectFrom('ldis_alerts')
      .selectAll()
      .where('reference', '=', 'LDIS/2026/030')
      .execute();
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({
      substances: ['heroin_morphine', 'fentanyl_or_analogue'],
      severity: 'urgent',
      link: 'https://ldis.example/30',
    });
    const audits = await t.db
      .selectFrom('audit_log')
      .select('detail')
      .where('action', '=', 'ldis_alerts_loaded')
      .execute();
    expect(audits.map((a) => a.detail)).toEqual([
      { rows: 1, added: 1 },
      { rows: 1, added: 0 },
    ]);
  });
});
