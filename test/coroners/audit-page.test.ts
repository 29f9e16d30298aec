// The Coroners Audit as a coroner's office sends it and as an analyst works through it: UK dates, names
// instead of codes, any case and spacing; the template's example row refused; the allowed values on
// the page; the upload first, the queue a page at a time, each candidate with its area and substances,
// and a decision confirmed beside the queue where it was made.
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

let t: TestApp;
let analyst: Agent;
const header =
  'inquest_ref,date_of_death,inquest_date,conclusion,drug_related,alcohol_related,substances,age,sex,residence_area';

beforeAll(async () => {
  t = await createTestApp({ now: '2026-04-20T10:00:00Z' });
  analyst = await signedInAs(t, 'ccsu_analyst');
  const org = await createOrganisation(t, { name: 'Treatment', code: 'TRE' });
  await submittedRecord(t, org, {
    period: '2026-01',
    date_of_death: '2026-01-10',
    date_partner_aware: '2026-01-12',
    sex: 'female',
    age_at_death: 33,
    residence_area: 'st_albans',
    substances: ['heroin_morphine', 'alcohol'],
  });
});
afterAll(() => t.close());

async function send(csv: string) {
  const page = await analyst.get('/ccsu/coroners');
  return analyst
    .post('/ccsu/coroners')
    .field('_csrf', csrfFrom(page.text))
    .field('source', 'Coroner’s spreadsheet')
    .field('extracted_on-day', '1')
    .field('extracted_on-month', '4')
    .field('extracted_on-year', '2026')
    .attach('file', Buffer.from(csv), 'audit.csv');
}

describe('a coroner’s spreadsheet as it comes', () => {
  it('when the file has UK dates, area and conclusion names and odd spacing then it is read as codes', async () => {
    const sent = await send(
      [
        header,
        'CO/26/001,07/01/2026,02/03/2026,Drug-related,Yes,no,Heroin or morphine; ALCOHOL,34,Female,St  Albans',
        'CO/26/002,2026-01-20,,drug related,yes,no,cocaine,51,male,Three Rivers',
      ].join('\n'),
    );
    expect(sent.status).toBe(302);
    const confirm = await analyst.submit(`${sent.headers.location}/confirm`, {}, sent.headers.location);
    expect(confirm.status).toBe(302);
    const rows = await t.db
      .selectFrom('audit_inquests')
      .select([
        'inquest_ref',
        'date_of_death',
        'inquest_date',
        'conclusion',
        'substances',
        'sex',
        'residence_area',
      ])
      .orderBy('inquest_ref')
      .execute();
    expect(rows).toEqual([
      {
        inquest_ref: 'CO/26/001',
        date_of_death: '2026-01-07',
        inquest_date: '2026-03-02',
        conclusion: 'drug_related',
        substances: ['heroin_morphine', 'alcohol'],
        sex: 'female',
        residence_area: 'st_albans',
      },
      {
        inquest_ref: 'CO/26/002',
        date_of_death: '2026-01-20',
        inquest_date: null,
        conclusion: 'drug_related',
        substances: ['cocaine'],
        sex: 'male',
        residence_area: 'three_rivers',
      },
    ]);
  });

  it('when the template is loaded as it comes then its example row is refused, and the page lists the values allowed', async () => {
    const template = (await analyst.get('/ccsu/coroners/template.csv')).text.replace(/^\uFEFF/, '');
    const refused = await send(template);
    expect(refused.status).toBe(400);
    expect(cheerio.load(refused.text)('#file-problems').text()).toContain(
      'this is the template’s example row',
    );
    const $ = cheerio.load((await analyst.get('/ccsu/coroners')).text);
    expect($('#allowed-values').text()).toContain('Drug-related');
    expect($('#allowed-values').text()).toContain('St Albans');
    // The upload comes before the queue.
    expect($('main').html()!.indexOf('Load the audit')).toBeLessThan($('main').html()!.indexOf('id="queue"'));
  });
});

describe('the queue of possible matches', () => {
  beforeAll(async () => {
    // Twelve inquests, each a near match of the partner's death (area, sex, age ±1, date ±2 days).
    const load = await t.db
      .insertInto('audit_loads')
      .values({
        source: 'test',
        extracted_on: '2026-04-01',
        rows: 12,
        added: 12,
        updated: 0,
        loaded_by: 'test',
        loaded_at: new Date(),
      })
      .returning('id')
      .executeTakeFirstOrThrow();
    await t.db
      .insertInto('audit_inquests')
      .values(
        Array.from({ length: 12 }, (_, i) => ({
          inquest_ref: `NM-${String(i + 1).padStart(2, '0')}`,
          load_id: load.id,
          date_of_death: '2026-01-11',
          inquest_date: null,
          conclusion: 'drug_related',
          drug_related: true,
          alcohol_related: false,
          age_at_death: 33,
          sex: 'female',
          residence_area: 'st_albans',
          match_key_nhs: null,
          match_key_demo: null,
        })),
      )
      .execute();
  });

  it('when twelve inquests wait then they come ten to a page, each candidate with area and substances, and a decision is confirmed beside the queue', async () => {
    const first = cheerio.load((await analyst.get('/ccsu/coroners')).text);
    expect(first('#queue').text()).toContain('(12)');
    expect(first('.govuk-summary-card')).toHaveLength(10);
    expect(first('nav[aria-label="Pages of possible matches"] [aria-current="page"]').text()).toBe('1');
    expect(first('nav[aria-label="Pages of possible matches"] a[rel="next"]').attr('href')).toBe('?page=2');
    expect(first('td[data-label="Area and substances"]').first().text()).toBe(
      'St Albans; Heroin or morphine, Alcohol',
    );

    const page2 = await analyst.get('/ccsu/coroners?page=2');
    const $ = cheerio.load(page2.text);
    expect($('.govuk-summary-card')).toHaveLength(2);
    const form = $('form[action="/ccsu/coroners/decisions"]').first();
    const decided = await analyst
      .post('/ccsu/coroners/decisions')
      .type('form')
      .send({
        _csrf: csrfFrom(page2.text),
        inquest: form.find('[name=inquest]').val() as string,
        record: form.find('[name=record]').val() as string,
        page: form.find('[name=page]').val() as string,
        same: 'no',
      });
    expect(decided.headers.location).toBe('/ccsu/coroners?page=2#queue');
    const after = cheerio.load((await analyst.get(decided.headers.location!)).text);
    expect(after('#queue + #decision-made').text()).toMatch(
      /Inquest NM-\d+ and case \d+ marked as not the same death/,
    );
    expect(after('.govuk-summary-card')).toHaveLength(1);
  });
});
