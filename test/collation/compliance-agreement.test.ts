// One compliance rule: every status a month's return can have — including a late return reopened for an
// amendment — counts the same on the CCSU home page, the non-submitters list, the dashboard, the feed,
// the summary email, the scorecard and the reminders.
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import * as cheerio from 'cheerio';
import { parse } from 'csv-parse/sync';
import request from 'supertest';
import { createOrganisation, createTestApp, type Agent, type TestApp, signedInAs } from '../helpers/app.js';
import { valueOf } from '../helpers/within.js';
import { tableOf } from '../dashboard/fixture.js';

let t: TestApp;
let analyst: Agent;
let token = '';
const PERIOD = '2026-04'; // deadline: 15 May 2026 (10 working days, 4 and 25 May are bank holidays)

// organisation → how its April return stands on 20 May
const cases = {
  'On Time': { state: 'submitted', late: false, bucket: 'on_time' },
  Late: { state: 'submitted', late: true, bucket: 'late' },
  'Nil On Time': { state: 'nil', late: false, bucket: 'nil' },
  'Nil Late': { state: 'nil', late: true, bucket: 'nil_late' },
  'Late Then Reopened': { state: 'reopened', late: true, bucket: 'late' },
  'On Time Then Reopened': { state: 'reopened', late: false, bucket: 'on_time' },
  Nothing: { state: null, late: false, bucket: 'overdue' },
  'Draft Only': { state: 'in_progress', late: false, bucket: 'overdue' },
} as const;

beforeAll(async () => {
  t = await createTestApp({ now: '2026-05-20T10:00:00Z' });
  let n = 0;
  for (const [name, c] of Object.entries(cases)) {
    n += 1;
    const org = await createOrganisation(t, { name, code: `CA${n}`, active_from: PERIOD, type: 'housing' });
    if (c.state)
      await t.db
        .insertInto('returns')
        .values({
          organisation_id: org.id,
          period: PERIOD,
          state: c.state,
          submitted_late: c.late,
          current_version: c.state === 'in_progress' ? 0 : 1,
          first_submitted_at:
            c.state === 'in_progress'
              ? null
              : new Date(c.late ? '2026-05-18T09:00:00Z' : '2026-05-06T09:00:00Z'),
          last_submitted_at: c.state === 'in_progress' ? null : new Date('2026-05-18T09:00:00Z'),
        })
        .execute();
  }
  // Not yet making returns in April: counted nowhere.
  await createOrganisation(t, {
    name: 'Joined In May',
    code: 'CAX',
    active_from: '2026-05',
    type: 'housing',
  });
  analyst = await signedInAs(t, 'ccsu_analyst');
  const admin = await signedInAs(t, 'ccsu_admin');
  const issued = await admin.submit('/admin/api-tokens', {
    name: 'Agreement',
    scope: 'aggregates',
    days: '30',
  });
  token = valueOf(issued, '#token');
});
afterAll(() => t.close());

const expected = { on_time: 2, late: 2, nil: 1, nil_late: 1, overdue: 2 };

describe('the compliance of one month, everywhere it is shown', () => {
  it('when the CCSU home page shows April then it counts each bucket by the rule', async () => {
    const page = await analyst.get(`/ccsu?period=${PERIOD}`);
    const counts = Object.fromEntries(
      [...page.text.matchAll(/data-bucket="(\w+)">(\d+)</g)].map((m) => [m[1], Number(m[2])]),
    );
    expect(counts).toEqual(expected);
    expect(page.text).not.toContain('Joined In May');
  });

  it('when the non-submitters are downloaded then they are the overdue organisations only', async () => {
    const csv = await analyst.get(`/ccsu/compliance/non-submitters.csv?period=${PERIOD}`);
    const names = (parse(csv.text, { columns: true, bom: true }) as Record<string, string>[]).map(
      (r) => Object.values(r)[0],
    );
    expect(names.sort()).toEqual(['Draft Only', 'Nothing']);
  });

  it('when the compliance matrix and its download show April then a late return reopened still reads late', async () => {
    const page = cheerio.load((await analyst.get('/ccsu/compliance')).text);
    const cellOf = (name: string) => {
      const row = page('tbody tr').filter((_i, tr) => page(tr).find('th').text().trim() === name);
      return row.find(`a[href="/ccsu?period=${PERIOD}"]`).closest('td');
    };
    const lateReopened = cellOf('Late Then Reopened');
    expect(lateReopened.find('[aria-hidden="true"]').text().trim()).toMatch(/^!↺/);
    expect(lateReopened.find('.drd-matrix__detail').text()).toContain('Returned late; amendment in progress');
    expect(lateReopened.find('a').attr('class')).toContain('drd-matrix__link--orange');
    const onTimeReopened = cellOf('On Time Then Reopened');
    expect(onTimeReopened.find('.drd-matrix__detail').text()).toContain(
      'Returned on time; amendment in progress',
    );
    const csv = parse((await analyst.get('/ccsu/compliance.csv')).text, {
      columns: true,
      bom: true,
    }) as Record<string, string>[];
    const april = (name: string) => csv.find((r) => r.organisation === name && r.period === PERIOD)!.status;
    expect(april('Late Then Reopened')).toBe('Returned late; amendment in progress');
    expect(april('Late')).toBe('Submitted late');
  });

  it('when the dashboard counts returns by timeliness then on time, late and not made agree', async () => {
    const page = await analyst.get(`/dashboard/compliance?from=${PERIOD}&to=${PERIOD}`);
    const table = tableOf(page.text, 'compliance-table');
    // On time (returns and nil returns), late, not made, total.
    expect(table['April 2026']).toEqual(['3', '3', '2', '8']);
  });

  it('when the feed gives compliance then each organisation carries the same bucket', async () => {
    const response = await request(t.app)
      .get(`/api/v1/aggregates/compliance.json?from=${PERIOD}&to=${PERIOD}`)
      .set('Authorization', `Bearer ${token}`);
    expect(response.status).toBe(200);
    const rows = response.body as { organisation: string; compliance: string }[];
    expect(Object.fromEntries(rows.map((r) => [r.organisation, r.compliance]))).toEqual(
      Object.fromEntries(Object.entries(cases).map(([name, c]) => [name, c.bucket])),
    );
  });

  it('when the summary email is made then its compliance counts agree', async () => {
    const figures = await t.services.summary.figures(PERIOD);
    expect(figures.compliance).toEqual({ on_time: 2, late: 2, nil: 1, nil_late: 1, outstanding: 2 });
    expect(figures.overdueOrganisations.sort()).toEqual(['Draft Only', 'Nothing']);
  });

  it('when the scorecard is made then each organisation is on time, late or missing by the same rule', async () => {
    const card = await t.services.scorecard.scorecard(PERIOD);
    const outcome = Object.fromEntries(
      card.map((r) => [
        r.organisation.name,
        r.onTime ? 'on time' : r.late ? 'late' : r.missing ? 'missing' : 'none',
      ]),
    );
    expect(outcome).toEqual({
      'On Time': 'on time',
      Late: 'late',
      'Nil On Time': 'on time',
      'Nil Late': 'late',
      'Late Then Reopened': 'late',
      'On Time Then Reopened': 'on time',
      Nothing: 'missing',
      'Draft Only': 'missing',
      'Joined In May': 'none',
    });
  });

  it('when reminders are worked out then only the organisations without a return get one', async () => {
    const due = await t.services.reminders.due();
    const chased = [
      ...new Set(due.filter((d) => d.period === PERIOD).map((d) => d.organisation.name)),
    ].sort();
    expect(chased).toEqual(['Draft Only', 'Nothing']);
  });
});
