// De-duplication into cases (product spec §6). A case is a connected group of submitted records: an
// edge joins two records with the same NHS-number key or the same demographic key, or a near-match pair
// an analyst has linked. Cases are worked out again for the records a change touches, in the same
// transaction as the change; near matches with no shared key go to the review queue.
import { sql } from 'kysely';
import type { DbOrTrx } from '../db/database.js';
import { linkIntoCases } from '../domain/groupings.js';
import { refreshCaseFacts } from '../records/case-facts.js';
import { NEAR_MATCH } from '../domain/near-match.js';

interface Node {
  id: number;
  match_key_nhs: string | null;
  match_key_demo: string | null;
  case_id: number | null;
  active: boolean;
}

/** Records that count: active, in a return that has been submitted at least once. */
function collated(db: DbOrTrx) {
  return db
    .selectFrom('records')
    .innerJoin('returns', 'returns.id', 'records.return_id')
    .select([
      'records.id',
      'records.match_key_nhs',
      'records.match_key_demo',
      'records.case_id',
      'records.record_status',
    ])
    .where('returns.current_version', '>', 0);
}

/** Works out the cases of these records and of everything linked to them, now or before. */
export async function relinkCases(db: DbOrTrx, recordIds: number[]): Promise<void> {
  if (recordIds.length === 0) return;
  const nodes = new Map<number, Node>();
  let frontier = recordIds;
  const start = await db
    .selectFrom('records')
    .select(['id', 'match_key_nhs', 'match_key_demo', 'case_id', 'record_status'])
    .where('id', 'in', recordIds)
    .execute();
  for (const r of start) nodes.set(r.id, { ...r, active: r.record_status === 'active' });
  // Withdrawn or not-yet-submitted records of the starting set leave their case.
  const counted = new Set(
    (await collated(db).where('records.id', 'in', recordIds).execute()).map((r) => r.id),
  );
  for (const node of nodes.values()) if (!counted.has(node.id)) node.active = false;

  while (frontier.length > 0) {
    const current = frontier.map((id) => nodes.get(id)!).filter(Boolean);
    const nhs = current.map((n) => n.match_key_nhs).filter((k): k is string => !!k);
    const demo = current.map((n) => n.match_key_demo).filter((k): k is string => !!k);
    const cases = current.map((n) => n.case_id).filter((c): c is number => c !== null);
    const linked = await db
      .selectFrom('candidate_pairs')
      .select(['record_a', 'record_b'])
      .where('status', '=', 'linked')
      .where((eb) => eb.or([eb('record_a', 'in', frontier), eb('record_b', 'in', frontier)]))
      .execute();
    const pairIds = linked.flatMap((p) => [p.record_a, p.record_b]);
    const found = await collated(db)
      .where((eb) =>
        eb.or([
          ...(nhs.length ? [eb('records.match_key_nhs', 'in', nhs)] : []),
          ...(demo.length ? [eb('records.match_key_demo', 'in', demo)] : []),
          ...(cases.length ? [eb('records.case_id', 'in', cases)] : []),
          ...(pairIds.length ? [eb('records.id', 'in', pairIds)] : []),
          eb('records.id', '=', -1),
        ]),
      )
      .execute();
    frontier = [];
    for (const r of found)
      if (!nodes.has(r.id)) {
        nodes.set(r.id, { ...r, active: r.record_status === 'active' });
        frontier.push(r.id);
      }
  }

  const members = [...nodes.values()].filter((n) => n.active);
  const ids = members.map((m) => m.id);
  const links = ids.length
    ? await db
        .selectFrom('candidate_pairs')
        .select(['record_a', 'record_b'])
        .where('status', '=', 'linked')
        .where('record_a', 'in', ids)
        .where('record_b', 'in', ids)
        .execute()
    : [];
  // Keys give the components; analyst links join components further.
  const component = linkIntoCases(members);
  const parent = new Map<number, number>();
  const find = (c: number): number => (parent.has(c) && parent.get(c) !== c ? find(parent.get(c)!) : c);
  const index = new Map(members.map((m, i) => [m.id, i]));
  for (const link of links) {
    const a = find(component[index.get(link.record_a)!]!);
    const b = find(component[index.get(link.record_b)!]!);
    if (a !== b) parent.set(Math.max(a, b), Math.min(a, b));
  }
  const groups = new Map<number, Node[]>();
  members.forEach((m, i) => {
    const root = find(component[i]!);
    groups.set(root, [...(groups.get(root) ?? []), m]);
  });

  // Keep case numbers stable: a group keeps the smallest case number one of its records already had.
  const used = new Set<number>();
  for (const group of [...groups.values()].sort(
    (a, b) => Math.min(...a.map((n) => n.id)) - Math.min(...b.map((n) => n.id)),
  )) {
    const existing = group
      .map((n) => n.case_id)
      .filter((c): c is number => c !== null && !used.has(c))
      .sort((a, b) => a - b)[0];
    const caseId =
      existing ??
      Number((await sql<{ id: string }>`select nextval('case_ids') as id`.execute(db)).rows[0]!.id);
    used.add(caseId);
    const change = group.filter((n) => n.case_id !== caseId).map((n) => n.id);
    if (change.length)
      await db.updateTable('records').set({ case_id: caseId }).where('id', 'in', change).execute();
  }
  const leaving = [...nodes.values()].filter((n) => !n.active && n.case_id !== null).map((n) => n.id);
  if (leaving.length)
    await db.updateTable('records').set({ case_id: null }).where('id', 'in', leaving).execute();
  // The dashboard's one-row-per-case summary follows every case these records were or are in.
  const before = [...nodes.values()].map((n) => n.case_id).filter((c): c is number => c !== null);
  await refreshCaseFacts(db, [...new Set([...before, ...used])]);
}

/**
 * Near matches with no shared key: date of death within 2 days, same sex, age within 1 and the same
 * area of residence. They wait in the review queue for an analyst; a pair is only ever queued once, so
 * a decision survives the records being submitted again.
 */
export async function queueNearMatches(db: DbOrTrx, recordIds: number[], now: Date): Promise<number> {
  if (recordIds.length === 0) return 0;
  const result = await sql<{ n: number }>`
    with mine as (
      select r.* from records r join returns ret on ret.id = r.return_id
      where r.id in (${sql.join(recordIds)}) and r.record_status = 'active' and ret.current_version > 0
        and r.date_of_death is not null and r.sex is not null and r.age_at_death is not null and r.residence_area is not null
    ),
    pairs as (
      select least(m.id, o.id) as a, greatest(m.id, o.id) as b
      from mine m
      join records o on o.residence_area = m.residence_area and o.sex = m.sex
        and o.date_of_death between m.date_of_death - ${NEAR_MATCH.deathDays}::int and m.date_of_death + ${NEAR_MATCH.deathDays}::int
        and abs(o.age_at_death - m.age_at_death) <= ${NEAR_MATCH.ageYears}::int
        and o.id <> m.id and o.record_status = 'active'
      join returns oret on oret.id = o.return_id and oret.current_version > 0
      where o.case_id is distinct from m.case_id
    )
    insert into candidate_pairs (record_a, record_b, created_at)
    select distinct a, b, ${now}::timestamptz from pairs
    on conflict (record_a, record_b) do nothing`.execute(db);
  return Number(result.numAffectedRows ?? 0);
}
