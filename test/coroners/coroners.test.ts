// The Coroners Audit: loaded by CCSU (identifiers become keys and are forgotten), linked to the cases by
// NHS key, by name key and by an analyst's decision on a near match (reversible), never across two cases;
// completeness and the capture–recapture estimate worked out by hand from a known overlap.
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import * as cheerio from 'cheerio';
import { parse } from 'csv-parse/sync';
import request from 'supertest';
import {
  createOrganisation,
  createTestApp,
  createUser,
  csrfFrom,
  type Agent,
  type TestApp,
  signedInAs,
} from '../helpers/app.js';
import { submittedRecord } from '../helpers/records.js';
import { demographicMatchKey, nhsMatchKey } from '../../src/domain/linkage.js';
import type { User } from '../../src/db/types.js';

let t: TestApp;
let analyst: Agent;
let partner: Agent;
let admin: User;
const caseOf: Record<string, number> = {};

// Valid NHS numbers (Modulus 11) used only as test identifiers.
const NHS = { a: '9434765919', d: '9434765870', e: '9434765889', f1: '4010232137' };

const header =
  'inquest_ref,date_of_death,inquest_date,conclusion,drug_related,alcohol_related,substances,age,sex,residence_area,nhs_number,surname,first_initial,date_of_birth';
const audit = [
  header,
  `INQ-1,2025-03-10,2025-09-10,drug_related,yes,no,heroin_morphine,40,male,watford,${NHS.a},,,`,
  'INQ-2,2025-05-01,2025-11-03,alcohol_related,no,yes,alcohol,45,male,watford,,Smith,J,1980-01-01',
  'INQ-3,2025-07-11,2025-12-01,drug_related,yes,no,cocaine,30,female,stevenage,,,,',
  `INQ-4,2025-08-01,2025-10-01,drug_related,yes,no,heroin_morphine,50,male,dacorum,${NHS.d},,,`,
  'INQ-5,2025-10-10,2026-01-20,accident_misadventure,yes,no,,50,male,dacorum,,,,',
  `INQ-6,2025-11-01,2026-02-01,drug_related,yes,no,,55,female,hertsmere,${NHS.f1},Jones,K,1970-02-02`,
].join('\n');

async function send(csv: string) {
  const page = await analyst.get('/ccsu/coroners');
  return analyst
    .post('/ccsu/coroners')
    .field('_csrf', csrfFrom(page.text))
    .field('source', 'Coroner audit (test)')
    .field('extracted_on-day', '1')
    .field('extracted_on-month', '4')
    .field('extracted_on-year', '2026')
    .attach('file', Buffer.from(csv), 'audit.csv');
}

/** Each row of a summary list or table as its cells' text joined by single spaces. */
const rowsOf = ($: cheerio.CheerioAPI, selector: string) =>
  $(`${selector} .govuk-summary-list__row, ${selector} tr`)
    .toArray()
    .map((row) =>
      $(row)
        .children()
        .toArray()
        .map((c) => $(c).text().trim())
        .join(' '),
    );

const completenessRow = async (agent: Agent) => {
  const $ = cheerio.load((await agent.get('/dashboard/completeness')).text);
  return {
    cells: $('#completeness-table tbody tr')
      .first()
      .find('th, td')
      .toArray()
      .map((c) => $(c).text().trim()),
    summary: $('#completeness-summary').text(),
    $,
  };
};

beforeAll(async () => {
  t = await createTestApp({ now: '2026-04-20T10:00:00Z' });
  const secret = t.config.linkageSecret;
  const treatment = await createOrganisation(t, { name: 'Treatment', code: 'TRE' });
  const coroner = await createOrganisation(t, { name: 'Coroner', code: 'COR', type: 'coroner' });
  admin = await createUser(t, 'ccsu_admin');
  analyst = await signedInAs(t, 'ccsu_analyst');
  partner = await signedInAs(t, 'partner', treatment.id);
  const record = async (
    name: string,
    org: typeof treatment,
    values: Parameters<typeof submittedRecord>[2],
  ) => {
    const id = await submittedRecord(t, org, values);
    caseOf[name] = (
      await t.db.selectFrom('records').select('case_id').where('id', '=', id).executeTakeFirstOrThrow()
    ).case_id!;
  };
  const base = (death: string, aware: string) => ({
    period: death.slice(0, 7),
    date_of_death: death,
    date_partner_aware: aware,
  });
  await record('a', treatment, {
    ...base('2025-03-10', '2025-03-12'),
    match_key_nhs: nhsMatchKey(secret, NHS.a),
  });
  await record('b', treatment, {
    ...base('2025-05-01', '2025-05-03'),
    age_at_death: 45,
    match_key_demo: demographicMatchKey(secret, {
      surname: 'SMITH',
      firstInitial: 'j',
      dateOfBirth: '1980-01-01',
      sex: 'male',
    }),
  });
  // Case c: two partners' records of one death (joined by their shared name key), neither with a key the
  // audit shares.
  const cKey = demographicMatchKey(secret, {
    surname: 'Brown',
    firstInitial: 'A',
    dateOfBirth: '1995-01-01',
    sex: 'female',
  });
  await record('c', treatment, {
    ...base('2025-07-10', '2025-07-11'),
    sex: 'female',
    age_at_death: 30,
    residence_area: 'stevenage',
    match_key_demo: cKey,
  });
  await record('c2', coroner, {
    ...base('2025-07-10', '2025-07-20'),
    sex: 'female',
    age_at_death: 30,
    residence_area: 'stevenage',
    match_key_demo: cKey,
  });
  await record('d', coroner, {
    ...base('2025-08-01', '2025-08-05'),
    match_key_nhs: nhsMatchKey(secret, NHS.d),
  });
  await record('e', treatment, {
    ...base('2025-09-01', '2025-09-02'),
    match_key_nhs: nhsMatchKey(secret, NHS.e),
  });
  await record('f1', treatment, {
    ...base('2025-11-01', '2025-11-02'),
    sex: 'female',
    age_at_death: 55,
    residence_area: 'hertsmere',
    match_key_nhs: nhsMatchKey(secret, NHS.f1),
  });
  await record('f2', treatment, {
    ...base('2025-11-01', '2025-11-03'),
    sex: 'female',
    age_at_death: 60,
    residence_area: 'welwyn_hatfield',
    match_key_demo: demographicMatchKey(secret, {
      surname: 'Jones',
      firstInitial: 'K',
      dateOfBirth: '1970-02-02',
      sex: 'female',
    }),
  });
});
afterAll(() => t.close());

describe('loading the audit', () => {
  it('when rows are wrong then each is named, nothing is loaded, and no identifier is repeated', async () => {
    const response = await send(
      [
        header,
        'INQ-9,2025-13-01,,drug_related,maybe,no,,,,,1234567890,O’Neill,,',
        `INQ-9,2025-01-01,,x,yes,no,,,,,,,,`,
      ].join('\n'),
    );
    expect(response.status).toBe(400);
    const problems = cheerio.load(response.text)('#file-problems').text();
    expect(problems).toContain('Row 2, date_of_death');
    expect(problems).toContain('Row 2, drug_related: enter yes or no');
    expect(problems).toContain('Row 2, nhs_number: the NHS number is not valid');
    expect(problems).toContain('Row 2, surname: give the surname, first initial and date of birth together');
    expect(problems).toContain('Row 3, inquest_ref: the same reference appears twice');
    expect(response.text).not.toContain('1234567890');
    expect(response.text).not.toContain('Neill');
    expect(await t.db.selectFrom('audit_inquests').select('id').execute()).toEqual([]);
  });

  it('when an inquest reference is an NHS number, a date of birth or a surname then the row is refused without repeating it', async () => {
    const response = await send(
      [
        header,
        '943_476_5919,2025-01-01,,drug_related,yes,no,,,,,,,,',
        'INQ-14-02-1961,2025-01-02,,drug_related,yes,no,,,,,,,,',
        'FITZGERALD,2025-01-03,,drug_related,yes,no,,,,,,,,',
      ].join('\n'),
    );
    expect(response.status).toBe(400);
    const problems = cheerio.load(response.text)('#file-problems').text();
    expect(problems).toContain('Row 2, inquest_ref: must not include an NHS number');
    expect(problems).toContain('Row 3, inquest_ref: must not include a date that could be a date of birth');
    expect(problems).toContain(
      'Row 4, inquest_ref: enter the coroner’s reference number, like INQ-2026-014, not a name',
    );
    for (const identifier of ['943_476_5919', '14-02-1961', 'FITZGERALD'])
      expect(response.text).not.toContain(identifier);
    expect(await t.db.selectFrom('audit_inquests').select('id').execute()).toEqual([]);
  });

  it('when a right file is sent then nothing is loaded until the analyst confirms the preview', async () => {
    const sent = await send(audit);
    expect(sent.status).toBe(302);
    const preview = cheerio.load((await analyst.get(sent.headers.location!)).text);
    expect(preview('#changes').text()).toContain('6 new inquests');
    expect(await t.db.selectFrom('audit_inquests').select('id').execute()).toEqual([]);
    // Cancelled: the pending rows go too.
    const page = await analyst.get(sent.headers.location!);
    await analyst
      .post(`${sent.headers.location}/cancel`)
      .type('form')
      .send({ _csrf: csrfFrom(page.text) });
    expect(await t.db.selectFrom('audit_loads').select('id').execute()).toEqual([]);
  });

  it('when the audit loads then identifiers are kept only as keys, and loading it again changes nothing', async () => {
    const confirm = async () => {
      const sent = await send(audit);
      const page = await analyst.get(sent.headers.location!);
      const changes = cheerio.load(page.text)('#changes').text();
      await analyst
        .post(`${sent.headers.location}/confirm`)
        .type('form')
        .send({ _csrf: csrfFrom(page.text) });
      return changes;
    };
    expect(await confirm()).toContain('6 new inquests');
    expect(await confirm()).toContain('loading it again changes nothing');
    const page = await analyst.get('/ccsu/coroners');
    expect(cheerio.load(page.text)('.govuk-notification-banner--success').text()).toContain(
      '0 inquests added, 0 updated, 6 unchanged',
    );
    expect(await t.db.selectFrom('audit_inquests').select('id').execute()).toHaveLength(6);
    const stored = JSON.stringify([
      await t.db.selectFrom('audit_inquests').selectAll().execute(),
      await t.db.selectFrom('audit_loads').selectAll().execute(),
      await t.db.selectFrom('audit_log').selectAll().execute(),
    ]);
    for (const identifier of [...Object.values(NHS), 'Smith', 'SMITH', 'Jones', '1980-01-01', '1970-02-02'])
      expect(stored).not.toContain(identifier);
    expect(page.text).not.toContain(NHS.a);
  });
});

describe('linking inquests to cases', () => {
  it('when keys match then the inquests link by NHS key and by name key, and a key shared with two cases links to neither', async () => {
    const $ = cheerio.load((await analyst.get('/ccsu/coroners')).text);
    const counts = rowsOf($, '#link-counts');
    expect(counts).toContain('Linked by a shared key 3'); // INQ-1 (NHS), INQ-2 (name), INQ-4 (NHS)
    expect(counts).toContain('Key shared with more than one case 1 — review the cases under Duplicates'); // INQ-6
    expect(counts).toContain('Not linked to a partner case 2'); // INQ-3 (near match), INQ-5
    // The two cases INQ-6 touches stay two cases.
    const f = await t.db
      .selectFrom('records')
      .select('case_id')
      .where('case_id', 'in', [caseOf.f1!, caseOf.f2!])
      .execute();
    expect(new Set(f.map((r) => r.case_id)).size).toBe(2);
  });

  it('when a near match is decided the same death then it links, and undoing puts it back in the queue', async () => {
    let page = await analyst.get('/ccsu/coroners');
    let $ = cheerio.load(page.text);
    const card = $('.govuk-summary-card').filter((_i, el) => $(el).text().includes('INQ-3'));
    expect(card.length).toBe(1);
    // The duplicates queue points to them.
    expect(
      cheerio
        .load((await analyst.get('/ccsu/review')).text)('#audit-waiting')
        .text(),
    ).toContain('1 inquest from the Coroners Audit has possible matches');
    // One row for the case, naming both organisations that reported it.
    expect(rowsOf($, '.govuk-summary-card tbody').filter((r) => r.includes(`Case ${caseOf.c}`))).toHaveLength(
      1,
    );
    expect(card.find('tbody').text()).toContain('Treatment, Coroner');
    const form = card.find('form[action="/ccsu/coroners/decisions"]');
    const body = {
      _csrf: csrfFrom(page.text),
      inquest: form.find('[name=inquest]').val() as string,
      record: form.find('[name=record]').val() as string,
    };
    await analyst
      .post('/ccsu/coroners/decisions')
      .type('form')
      .send({ ...body, same: 'yes' });
    page = await analyst.get('/ccsu/coroners');
    $ = cheerio.load(page.text);
    expect(rowsOf($, '#link-counts')).toContain('Linked by an analyst 1');
    expect($('.govuk-summary-card').text()).not.toContain('INQ-3');
    await analyst
      .post('/ccsu/coroners/decisions/undo')
      .type('form')
      .send({ ...body, _csrf: csrfFrom(page.text) });
    page = await analyst.get('/ccsu/coroners');
    expect(cheerio.load(page.text)('.govuk-summary-card').text()).toContain('INQ-3');
    await analyst
      .post('/ccsu/coroners/decisions')
      .type('form')
      .send({ ...body, _csrf: csrfFrom(page.text), same: 'yes' });
  });
});

describe('decisions on ids that name nothing', () => {
  it('when a decision names an inquest or record id past what the database holds then it is refused as bad, not a server error', async () => {
    for (const path of ['/ccsu/coroners/decisions', '/ccsu/coroners/decisions/undo'])
      for (const ids of [
        { inquest: '99999999999', record: '1' },
        { inquest: '1', record: '99999999999' },
        { inquest: '-4', record: '1' },
      ]) {
        const page = await analyst.get('/ccsu/coroners');
        const response = await analyst
          .post(path)
          .type('form')
          .send({ _csrf: csrfFrom(page.text), ...ids, same: 'yes' });
        expect([path, ids, response.status]).toEqual([path, ids, 400]);
      }
  });
});

describe('completeness', () => {
  it('when CCSU read 2025 then the shares, days and estimate are those worked out by hand', async () => {
    // Confirmed: INQ-1..6 = 6. Reported: INQ-1 (a), 2 (b), 3 (c, by decision), 4 (d) = 4; INQ-5 has no
    // partner case and INQ-6 is a conflict. Days from first knowing to inquest: 182, 184, 143, 57 →
    // median 162.5, range 57 to 184. Partner list (not the coroner's own returns): a, b, c, e, f1, f2 = 6;
    // both lists: a, b, c = 3. Chapman: 7 × 7 / 4 − 1 = 11.25; variance 7·7·3·3 / (16·5) = 5.5125;
    // 95 % interval 6.65 to 15.85, cut at the 9 deaths seen.
    const { cells, summary, $ } = await completenessRow(analyst);
    // 4 of 6 by Wilson's score method: 0.300 to 0.903 → 30% to 90%.
    expect(cells).toEqual(['2025', '6', '4', '67% (30% to 90%)', '162.5 (57 to 184)', '3', '11 (9 to 16)']);
    expect(summary).toContain(
      'partners had reported 4 (67%, 95% interval 30% to 90%), a median of 162.5 days before the inquest',
    );
    expect(rowsOf($, '#first-reported-table tbody')).toEqual([
      'Drug and alcohol treatment service 3',
      'Coroner 1',
    ]);
    expect($('#capture-recapture-note').text()).toContain('coroner’s own returns are left out');
  });

  it('when a partner reads it then every count is through disclosure control and no death is identified', async () => {
    const { cells, $ } = await completenessRow(partner);
    // The estimate would narrow the hidden counts down again: not shown while they are hidden.
    expect(cells).toEqual(['2025', '*', '*', '*', '–', '*', 'Not shown']);
    expect($('#completeness-summary').text()).not.toContain('estimated number');
    // One coroner's office: its kind is not named to a partner, only counted with the other small kinds.
    const firstBy = $('#first-reported-table tbody').text();
    expect(firstBy).not.toContain('Coroner');
    expect(firstBy).toContain('Kinds with too few organisations to name');
    expect($('main').text()).not.toContain('INQ-');
    expect((await partner.get('/ccsu/coroners')).status).toBe(403);
  });

  it('when the summary email goes then it has one line on the quarter’s completeness, through disclosure control', async () => {
    // Inquests from October to December 2025: INQ-4 (d), INQ-2 (b), INQ-3 (c): 3 confirmed, all reported,
    // 57, 184 and 143 days before the inquest.
    expect(await t.services.coroners.quarterLine('2025-12', { threshold: 2, base: 1 })).toBe(
      'Completeness: of the 3 deaths confirmed drug- or alcohol-related at inquests from October 2025 to December 2025, partners had reported 3 (100%, 95% interval 44% to 100%), a median of 143 days before the inquest.',
    );
    await t.services.summary.send('2025-12', 'on_demand', { userId: null, label: 'test' });
    const message = await t.db
      .selectFrom('outbox')
      .selectAll()
      .where('idempotency_key', 'like', 'summary:%')
      .executeTakeFirstOrThrow();
    expect(message.text).toContain(
      'Completeness: of the * deaths confirmed drug- or alcohol-related at inquests from October 2025 to December 2025, partners had reported *.',
    );
    expect(await t.services.coroners.quarterLine('2024-12', { threshold: 7, base: 5 })).toBeNull();
  });

  it('when Power BI reads completeness then aggregates tokens get it suppressed and records tokens exact', async () => {
    const read = async (scope: 'aggregates' | 'records') => {
      const token = await t.services.apiTokens.issue({ name: scope, scope, days: 30 }, admin);
      const response = await request(t.app)
        .get('/api/v1/completeness.csv')
        .set('Authorization', `Bearer ${token}`);
      return (parse(response.text, { columns: true, bom: true }) as Record<string, string>[])[0];
    };
    expect(await read('records')).toMatchObject({
      year: '2025',
      confirmed_by_coroner: '6',
      reported_by_partners: '4',
      estimated_total: '11',
    });
    expect(await read('aggregates')).toMatchObject({ confirmed_by_coroner: '*', estimated_total: '' });
  });
});
