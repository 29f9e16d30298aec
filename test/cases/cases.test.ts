// De-duplication: exact keys link automatically and transitively; near matches go to review, where an
// analyst's decision is audited, undoable, and survives the records being submitted again.
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import * as cheerio from 'cheerio';
import { createOrganisation, createTestApp, type Agent, type TestApp, signedInAs } from '../helpers/app.js';
import type { NewRecord, Organisation } from '../../src/db/types.js';
import { submittedRecord } from '../helpers/records.js';
import { queueNearMatches, relinkCases } from '../../src/cases/relink.js';
import { within } from '../helpers/within.js';

let t: TestApp;
let orgs: Organisation[];
let analyst: Agent;

beforeAll(async () => {
  t = await createTestApp({ now: '2026-04-20T10:00:00Z' });
  orgs = [
    await createOrganisation(t, { name: 'Coroner', code: 'COR', type: 'coroner' }),
    await createOrganisation(t, { name: 'Hospital', code: 'HOS', type: 'acute_hospital' }),
    await createOrganisation(t, { name: 'Treatment', code: 'TRE' }),
  ];
  analyst = await signedInAs(t, 'ccsu_analyst');
});
afterAll(() => t.close());

/** A submitted March record of one of the three organisations, linked as a submission would. */
const submitted = (orgIndex: number, values: Partial<NewRecord>) =>
  submittedRecord(t, orgs[orgIndex]!, { death_classification: null, date_partner_aware: null, ...values });

const caseOf = async (id: number) =>
  (await t.db.selectFrom('records').select('case_id').where('id', '=', id).executeTakeFirstOrThrow()).case_id;
const pairsOf = async (id: number) =>
  t.db
    .selectFrom('candidate_pairs')
    .selectAll()
    .where((eb) => eb.or([eb('record_a', '=', id), eb('record_b', '=', id)]))
    .execute();

describe('exact keys', () => {
  it('when three partners’ records chain by NHS key and by name key then all three are one case', async () => {
    const a = await submitted(2, { match_key_nhs: 'nhs-1', sex: 'female', residence_area: 'dacorum' });
    const c = await submitted(0, { match_key_demo: 'demo-1', sex: 'female', residence_area: 'dacorum' });
    expect(await caseOf(a)).not.toBe(await caseOf(c)); // nothing joins them yet
    const b = await submitted(1, {
      match_key_nhs: 'nhs-1',
      match_key_demo: 'demo-1',
      sex: 'female',
      residence_area: 'dacorum',
    });
    expect(await caseOf(a)).toBe(await caseOf(b));
    expect(await caseOf(b)).toBe(await caseOf(c));
    const page = await analyst.get(`/ccsu/cases/${await caseOf(a)}`);
    expect(page.status).toBe(200);
    expect(within(page, 'main')).toContain('Reported by 3 records');
  });

  it('when the cases page counts dacorum in March then the death reported by three partners counts once', async () => {
    const page = await analyst.get('/ccsu/cases');
    expect(page.status).toBe(200);
    const $ = cheerio.load(page.text);
    const row = $('tbody tr').filter((_, tr) => $(tr).find('th').text() === 'Dacorum');
    const cells = row
      .find('td')
      .map((_, td) => Number($(td).text()))
      .get();
    expect(cells.slice(-2)).toEqual([1, 1]); // March 2026, and the 12-month total
  });
});

describe('near matches', () => {
  it.each([
    ['2 days apart', true, { date_of_death: '2026-03-12' }],
    ['3 days apart', false, { date_of_death: '2026-03-13' }],
    ['1 year of age apart', true, { age_at_death: 41 }],
    ['2 years of age apart', false, { age_at_death: 42 }],
    ['of another sex', false, { sex: 'female' }],
    ['from another area', false, { residence_area: 'stevenage' }],
  ] as const)('when two records are %s then queued for review is %s', async (_label, queued, values) => {
    const first = await submitted(0, { residence_area: 'hertsmere', date_of_death: '2026-03-10' });
    const second = await submitted(1, {
      residence_area: 'hertsmere',
      date_of_death: '2026-03-10',
      ...values,
    });
    const pairs = (await pairsOf(second)).filter((p) => p.record_a === first || p.record_b === first);
    expect(pairs.length).toBe(queued ? 1 : 0);
    await t.db.deleteFrom('candidate_pairs').execute();
    await t.db
      .updateTable('records')
      .set({ record_status: 'withdrawn' })
      .where('id', 'in', [first, second])
      .execute();
    await relinkCases(t.db, [first, second]);
  });

  it('when an analyst links a pair then it becomes one case; undo splits it again; all audited', async () => {
    const a = await submitted(0, {
      residence_area: 'broxbourne',
      date_of_death: '2026-03-01',
      age_at_death: 30,
    });
    const b = await submitted(2, {
      residence_area: 'broxbourne',
      date_of_death: '2026-03-02',
      age_at_death: 31,
      evidence_stage: 'tox_received',
    });
    const [pair] = await pairsOf(b);
    expect(within(await analyst.get('/ccsu/review'), 'main')).toContain(`Review pair ${pair!.id}`);
    const missing = await analyst.submit(`/ccsu/review/${pair!.id}`, { decision: 'linked' });
    expect(within(missing, '.govuk-error-summary')).toContain('Give the reason for your decision');
    const linked = await analyst.submit(`/ccsu/review/${pair!.id}`, {
      decision: 'linked',
      reason: 'Same hostel, same date',
    });
    expect(linked.status).toBe(302);
    expect(await caseOf(a)).toBe(await caseOf(b));
    const casePage = await analyst.get(`/ccsu/cases/${await caseOf(a)}`);
    expect(within(casePage, 'main')).toContain('Differs');
    expect(casePage.text).toMatch(/Evidence stage[\s\S]*?<strong>Toxicology received<\/strong>/);
    expect((await analyst.get('/ccsu/review')).text).not.toContain(`Review pair ${pair!.id}`);

    // Submitting the records again keeps the decision.
    await relinkCases(t.db, [a, b]);
    await queueNearMatches(t.db, [a, b], t.clock.now());
    expect(await caseOf(a)).toBe(await caseOf(b));

    const undo = await analyst.submit(`/ccsu/review/${pair!.id}/undo`, {}, '/ccsu/review');
    expect(undo.status).toBe(302);
    expect(await caseOf(a)).not.toBe(await caseOf(b));
    const audit = (
      await t.db
        .selectFrom('audit_log')
        .select('action')
        .where('entity', '=', 'candidate_pair')
        .orderBy('id')
        .execute()
    ).map((r) => r.action);
    expect(audit).toEqual(['pair_linked', 'pair_decision_undone']);
  });

  it('when a pair waits for review then its row gives the facts to triage it without opening it', async () => {
    await submitted(0, { residence_area: 'watford', date_of_death: '2026-03-20', age_at_death: 52 });
    const b = await submitted(2, {
      residence_area: 'watford',
      date_of_death: '2026-03-21',
      age_at_death: 53,
      sex: 'male',
    });
    const [pair] = await pairsOf(b);
    const $ = cheerio.load((await analyst.get('/ccsu/review')).text);
    const row = $('tr').filter((_i, el) => $(el).find('th').text().includes(`Review pair ${pair!.id}`));
    const cell = (label: string) => row.find(`td[data-label="${label}"]`).text().trim();
    expect(cell('Dates of death')).toBe('20 March 2026 and 21 March 2026');
    expect(cell('Age and sex')).toBe('52 and 53, Male');
    expect(cell('Area of residence')).toBe('Watford');
    expect(cell('Reported by')).toBe('Coroner and Treatment');
    expect(cell('Why matched')).toBe('Same sex and area, ages 1 year apart, dates of death 1 day apart');
  });

  it('when an analyst keeps a pair apart then it leaves the queue and does not come back on resubmission', async () => {
    const a = await submitted(0, { residence_area: 'three_rivers', date_of_death: '2026-03-05' });
    const b = await submitted(1, { residence_area: 'three_rivers', date_of_death: '2026-03-06' });
    const [pair] = await pairsOf(b);
    await analyst.submit(`/ccsu/review/${pair!.id}`, {
      decision: 'kept_apart',
      reason: 'Different ages on the coroner record',
    });
    await queueNearMatches(t.db, [a, b], t.clock.now());
    expect((await pairsOf(b)).map((p) => p.status)).toEqual(['kept_apart']);
    expect((await analyst.get('/ccsu/review')).text).not.toContain(`Review pair ${pair!.id}<`);
  });

  it('when two analysts decide one pair then the second is told it was decided, and a second undo that nothing is left to undo', async () => {
    await submitted(0, { residence_area: 'hertsmere', date_of_death: '2026-03-10' });
    const b = await submitted(1, { residence_area: 'hertsmere', date_of_death: '2026-03-11' });
    const [pair] = await pairsOf(b);
    const page = `/ccsu/review/${pair!.id}`;
    const colleague = await signedInAs(t, 'ccsu_analyst');
    expect((await colleague.get(page)).status).toBe(200); // opened before the other analyst decides
    await analyst.submit(page, { decision: 'kept_apart', reason: 'Different ages' });
    const late = await colleague.submit(page, { decision: 'linked', reason: 'Same hostel' }, '/ccsu/review');
    expect(late.status).toBe(409);
    expect(within(late, 'main')).toContain('Another analyst has decided this pair since you opened it.');
    expect((await pairsOf(b)).map((p) => p.status)).toEqual(['kept_apart']);

    expect((await analyst.submit(`${page}/undo`, {}, '/ccsu/review')).status).toBe(302);
    const again = await colleague.submit(`${page}/undo`, {}, '/ccsu/review');
    expect(again.status).toBe(409);
    expect(within(again, 'main')).toContain('nothing to undo');
  });

  it('when a partner tries the review queue or a case then it is refused', async () => {
    const partner = await signedInAs(t, 'partner', orgs[0]!.id);
    for (const path of ['/ccsu/review', '/ccsu/review/1', '/ccsu/cases/1'])
      expect([path, (await partner.get(path)).status]).toEqual([path, 403]);
  });
});
