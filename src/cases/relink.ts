// De-duplication into cases (product spec §6). A case is a connected group of submitted records: an
// edge joins two records with the same NHS-number key or the same demographic key, or a near-match pair
// an analyst has linked. Cases are worked out again for the records a change touches, in the same
// transaction as the change; near matches with no shared key go to the review queue.
import type { DbOrTrx } from '../db/database.js';
import { linkIntoCases } from '../domain/groupings.js';
import { refreshCaseFacts } from '../records/case-facts.js';
import {
  collatedIds,
  collatedSharing,
  linkedPairs,
  nextCaseId,
  recordKeys,
  setCase,
} from './relink-repository.js';

interface Node {
  id: number;
  match_key_nhs: string | null;
  match_key_demo: string | null;
  case_id: number | null;
  active: boolean;
}

/** Works out the cases of these records and of everything linked to them, now or before. */
export async function relinkCases(db: DbOrTrx, recordIds: number[]): Promise<void> {
  if (recordIds.length === 0) return;
  const nodes = new Map<number, Node>();
  let frontier = recordIds;
  const start = await recordKeys(db, recordIds);
  for (const r of start) nodes.set(r.id, { ...r, active: r.record_status === 'active' });
  // Withdrawn or not-yet-submitted records of the starting set leave their case.
  const counted = await collatedIds(db, recordIds);
  for (const node of nodes.values()) if (!counted.has(node.id)) node.active = false;

  while (frontier.length > 0) {
    const current = frontier.map((id) => nodes.get(id)!).filter(Boolean);
    const nhs = current.map((n) => n.match_key_nhs).filter((k): k is string => !!k);
    const demo = current.map((n) => n.match_key_demo).filter((k): k is string => !!k);
    const cases = current.map((n) => n.case_id).filter((c): c is number => c !== null);
    const linked = await linkedPairs(db, frontier);
    const ids = linked.flatMap((p) => [p.record_a, p.record_b]);
    const found = await collatedSharing(db, { nhs, demo, cases, ids });
    frontier = [];
    for (const r of found)
      if (!nodes.has(r.id)) {
        nodes.set(r.id, { ...r, active: r.record_status === 'active' });
        frontier.push(r.id);
      }
  }

  const members = [...nodes.values()].filter((n) => n.active);
  const ids = members.map((m) => m.id);
  const links = await linkedPairs(db, ids, true);
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
    const caseId = existing ?? (await nextCaseId(db));
    used.add(caseId);
    const change = group.filter((n) => n.case_id !== caseId).map((n) => n.id);
    await setCase(db, change, caseId);
  }
  const leaving = [...nodes.values()].filter((n) => !n.active && n.case_id !== null).map((n) => n.id);
  await setCase(db, leaving, null);
  // The dashboard's one-row-per-case summary follows every case these records were or are in.
  const before = [...nodes.values()].map((n) => n.case_id).filter((c): c is number => c !== null);
  await refreshCaseFacts(db, [...new Set([...before, ...used])]);
}

// Queuing near matches is one statement; other features reach it through this module, not the repository.
export { queueNearMatches } from './relink-repository.js';
