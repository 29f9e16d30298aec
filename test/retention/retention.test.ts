// Retention: records of deaths more than RETENTION_YEARS ago are purged with everything about them, in a
// dry run first; the dashboard's monthly history is the same afterwards; the purge is audited with counts.
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import * as cheerio from 'cheerio';
import { createOrganisation, createTestApp, createUser, type TestApp, signedInAs } from '../helpers/app.js';
import { submittedRecord } from '../helpers/records.js';
import type { Organisation } from '../../src/db/types.js';

let t: TestApp;
let orgs: Organisation[];
const ids: Record<string, number> = {};

const recordIds = async () =>
  (await t.db.selectFrom('records').select('id').orderBy('id').execute()).map((r) => r.id);
const facts = () => t.db.selectFrom('case_facts').selectAll().orderBy('case_id').execute();
const caseOf = async (id: number) =>
  (await t.db.selectFrom('records').select('case_id').where('id', '=', id).executeTakeFirstOrThrow())
    .case_id!;
const deathsByMonth = async () => {
  const figure = await t.services.dashboard.figure('death_month', { from: '2026-01', to: '2026-12' });
  return figure.categories.map((c, i) => [c.label, figure.counts[i]![0]]);
};

beforeAll(async () => {
  t = await createTestApp({ now: '2026-04-10T10:00:00Z' });
  orgs = [
    await createOrganisation(t, { name: 'Treatment', code: 'TRE' }),
    await createOrganisation(t, { name: 'Coroner', code: 'COR', type: 'coroner' }),
  ];
  // One death told by two partners (an NHS key joins them), 10 March 2026: all past retention in 2036.
  ids.a = await submittedRecord(t, orgs[0]!, { date_of_death: '2026-03-10', match_key_nhs: 'k-1' });
  ids.b = await submittedRecord(t, orgs[1]!, { date_of_death: '2026-03-10', match_key_nhs: 'k-1' });
  // One case straddling the cut-off: one record goes, the other stays and describes the case.
  ids.e = await submittedRecord(t, orgs[0]!, {
    date_of_death: '2026-03-14',
    match_key_nhs: 'k-2',
    age_at_death: 30,
  });
  ids.f = await submittedRecord(t, orgs[1]!, {
    date_of_death: '2026-03-16',
    match_key_nhs: 'k-2',
    age_at_death: 31,
  });
  // Not yet past retention.
  ids.c = await submittedRecord(t, orgs[0]!, {
    date_of_death: '2026-03-20',
    age_at_death: 60,
    sex: 'female',
  });
  const admin = await createUser(t, 'ccsu_admin');
  const submission = await t.db
    .insertInto('return_submissions')
    .values({ return_id: 1, version: 1, kind: 'submit', signed_at: t.clock.now(), record_count: 1 })
    .returning('id')
    .executeTakeFirstOrThrow();
  await t.db
    .insertInto('record_versions')
    .values({
      record_id: ids.a,
      submission_id: submission.id,
      snapshot: JSON.stringify({ age_at_death: 40 }),
    })
    .execute();
  // Raised as CCSU raises it, so its email (with the record's reference and the question) is in the outbox;
  // and one about a record that stays.
  await t.services.queries.raise(ids.a!, 'date_of_death', 'Please check the date', admin);
  await t.services.queries.raise(ids.c!, 'date_of_death', 'Please check this one too', admin);
  // Two inquests in the Coroners Audit: one of a death past retention (with a decision about record a),
  // one not.
  const load = await t.db
    .insertInto('audit_loads')
    .values({
      source: 'test',
      extracted_on: '2026-04-01',
      rows: 2,
      added: 2,
      updated: 0,
      loaded_by: 'test',
      loaded_at: t.clock.now(),
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  const inquest = (ref: string, death: string) => ({
    inquest_ref: ref,
    load_id: load.id,
    date_of_death: death,
    conclusion: 'drug_related',
    drug_related: true,
    alcohol_related: false,
  });
  const old = await t.db
    .insertInto('audit_inquests')
    .values([inquest('INQ-OLD', '2026-03-10'), inquest('INQ-NEW', '2026-03-20')])
    .returning('id')
    .execute();
  await t.db
    .insertInto('audit_decisions')
    .values({
      inquest_id: old[0]!.id,
      record_id: ids.a,
      same: true,
      decided_by: 'test',
      decided_at: t.clock.now(),
    })
    .execute();
  t.clock.set(new Date('2036-03-15T12:00:00Z')); // ten years on: deaths before 15 March 2026 go
});
afterAll(() => t.close());

describe('the dry run', () => {
  it('when an admin opens retention then it lists what would go, and nothing has changed', async () => {
    const admin = await signedInAs(t, 'ccsu_admin');
    const $ = cheerio.load((await admin.get('/admin/retention')).text);
    const value = (label: string) =>
      $('#dry-run .govuk-summary-list__row')
        .filter((_i, el) => $(el).find('dt').text().trim() === label)
        .find('dd')
        .text()
        .trim();
    expect($('main').text()).toContain('Deaths before 15 March 2026');
    expect(value('Records')).toBe('3');
    expect(value('Submitted versions of them')).toBe('1');
    expect(value('Queries about them')).toBe('1');
    expect(value('Cases kept only as dashboard counts')).toBe('1');
    expect(value('Coroners Audit inquests')).toBe('1');
    expect(await recordIds()).toHaveLength(5);
  });
});

describe('the purge', () => {
  let before: Awaited<ReturnType<typeof deathsByMonth>>;
  let caseAB: number;
  let caseEF: number;

  it('when the job runs then old records and everything about them go, in one audited purge', async () => {
    before = await deathsByMonth();
    caseAB = await caseOf(ids.a!);
    caseEF = await caseOf(ids.f!);
    const counts = await t.services.retention.purge();
    expect(counts).toMatchObject({ records: 3, versions: 1, queries: 1, casesArchived: 1, inquests: 1 });
    // The purged record's query email went with it; the kept record's stays.
    const emails = await t.db.selectFrom('outbox').select(['subject', 'text']).execute();
    expect(emails.filter((e) => e.text.includes('Please check the date'))).toEqual([]);
    expect(emails.filter((e) => e.text.includes('Please check this one too'))).toHaveLength(1);
    expect(
      (await t.db.selectFrom('audit_inquests').select('inquest_ref').execute()).map((i) => i.inquest_ref),
    ).toEqual(['INQ-NEW']);
    expect(await t.db.selectFrom('audit_decisions').selectAll().execute()).toEqual([]);
    expect(await recordIds()).toEqual([ids.f, ids.c]);
    expect(await t.db.selectFrom('record_versions').selectAll().execute()).toHaveLength(0);
    expect(await t.db.selectFrom('queries').select('question').execute()).toEqual([
      { question: 'Please check this one too' },
    ]);
    const audit = await t.db
      .selectFrom('audit_log')
      .selectAll()
      .where('action', '=', 'retention_purge')
      .executeTakeFirstOrThrow();
    expect(audit.actor).toBe('retention job');
    expect(audit.detail).toMatchObject({ cutoff: '2026-03-15', years: 10, records: 3 });
  });

  it('when the dashboard counts deaths by month then the history is what it was', async () => {
    expect(before.find(([label]) => label === 'March 2026')).toEqual(['March 2026', 3]); // three cases
    expect(await deathsByMonth()).toEqual(before);
  });

  it('when a case lost every record then it keeps only what the figures count', async () => {
    const kept = (await facts()).find((f) => f.case_id === caseAB)!;
    expect(kept).toMatchObject({ best_record_id: null, date_of_death: null, death_month: '2026-03' });
    expect(kept.archived_at).not.toBeNull();
    // A case that kept a record is described by it now.
    const straddling = (await facts()).find((f) => f.case_id === caseEF)!;
    expect(straddling).toMatchObject({
      best_record_id: ids.f,
      date_of_death: '2026-03-16',
      archived_at: null,
    });
  });

  it('when the job runs again then nothing more goes and no audit entry is written', async () => {
    expect(await t.services.retention.purge()).toMatchObject({ records: 0 });
    const audits = await t.db
      .selectFrom('audit_log')
      .select('id')
      .where('action', '=', 'retention_purge')
      .execute();
    expect(audits).toHaveLength(1);
  });
});
