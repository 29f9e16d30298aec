// De-duplication for CCSU: the review queue of near matches, an analyst's link or keep-apart decision
// (audited, reversible), and a case page with each partner's record side by side.
import type { Clock } from '../clock.js';
import type { Db } from '../db/database.js';
import { audit, type Actor } from '../audit/audit.js';
import { compared } from '../records/diff.js';
import { relinkCases } from './relink.js';
import * as ref from '../domain/reference.js';

const EVIDENCE: string[] = ref.evidenceStages.map(([c]) => c);
const SOURCE_RANK: Record<string, number> = { coroner: 0, acute_hospital: 1 };

export class CasesService {
  constructor(
    private readonly db: Db,
    private readonly clock: Clock,
  ) {}

  /**
   * Pairs waiting for a decision (only those still in different cases), oldest first, each with the
   * facts an analyst triages on: both dates of death, ages, sex, area and the two reporting partners.
   */
  async queue(): Promise<QueuedPair[]> {
    const pairs = await this.db
      .selectFrom('candidate_pairs as p')
      .innerJoin('records as a', 'a.id', 'p.record_a')
      .innerJoin('records as b', 'b.id', 'p.record_b')
      .innerJoin('organisations as oa', 'oa.id', 'a.organisation_id')
      .innerJoin('organisations as ob', 'ob.id', 'b.organisation_id')
      .select([
        'p.id',
        'p.created_at',
        'a.date_of_death as date_a',
        'b.date_of_death as date_b',
        'a.age_at_death as age_a',
        'b.age_at_death as age_b',
        'a.sex',
        'a.residence_area as area',
        'oa.name as organisation_a',
        'ob.name as organisation_b',
      ])
      .where('p.status', '=', 'pending')
      .whereRef('a.case_id', 'is distinct from', 'b.case_id')
      .orderBy('p.id')
      .execute();
    return pairs.map((p) => ({ ...p, why: whyMatched(p) }));
  }

  async decided() {
    return this.db
      .selectFrom('candidate_pairs')
      .innerJoin('records', 'records.id', 'candidate_pairs.record_a')
      .selectAll('candidate_pairs')
      .select('records.case_id')
      .where('candidate_pairs.status', '!=', 'pending')
      .orderBy('candidate_pairs.decided_at', 'desc')
      .limit(50)
      .execute();
  }

  async pair(id: number) {
    const pair = await this.db
      .selectFrom('candidate_pairs')
      .selectAll()
      .where('id', '=', id)
      .executeTakeFirst();
    if (!pair) return undefined;
    const records = await this.sources([pair.record_a, pair.record_b]);
    return { pair, records, differing: differingFields(records) };
  }

  /** Links a pair into one case, or keeps them apart; audited, and undoable. */
  async decide(
    id: number,
    decision: 'linked' | 'kept_apart',
    reason: string,
    actor: Actor,
  ): Promise<boolean> {
    const now = this.clock.now();
    return this.db.transaction().execute(async (trx) => {
      const pair = await trx
        .updateTable('candidate_pairs')
        .set({ status: decision, reason, decided_by: actor.label, decided_at: now })
        .where('id', '=', id)
        .where('status', '=', 'pending')
        .returningAll()
        .executeTakeFirst();
      if (!pair) return false;
      await relinkCases(trx, [pair.record_a, pair.record_b]);
      await audit(trx, {
        actor,
        organisationId: null,
        action: decision === 'linked' ? 'pair_linked' : 'pair_kept_apart',
        entity: 'candidate_pair',
        entityId: id,
        detail: { reason, records: [pair.record_a, pair.record_b] },
        at: now,
      });
      return true;
    });
  }

  async undo(id: number, actor: Actor): Promise<boolean> {
    const now = this.clock.now();
    return this.db.transaction().execute(async (trx) => {
      const before = await trx
        .selectFrom('candidate_pairs')
        .selectAll()
        .where('id', '=', id)
        .forUpdate()
        .executeTakeFirst();
      if (!before || before.status === 'pending') return false;
      await trx
        .updateTable('candidate_pairs')
        .set({ status: 'pending', reason: null, decided_by: null, decided_at: null })
        .where('id', '=', id)
        .execute();
      await relinkCases(trx, [before.record_a, before.record_b]);
      await audit(trx, {
        actor,
        organisationId: null,
        action: 'pair_decision_undone',
        entity: 'candidate_pair',
        entityId: id,
        detail: { was: before.status, reason: before.reason },
        at: now,
      });
      return true;
    });
  }

  /** A case: its source records side by side, the fields that differ, and the best-evidenced values. */
  async case(caseId: number) {
    const ids = (
      await this.db.selectFrom('records').select('id').where('case_id', '=', caseId).execute()
    ).map((r) => r.id);
    if (ids.length === 0) return undefined;
    const records = await this.sources(ids);
    const best = [...records].sort(
      (a, b) =>
        EVIDENCE.indexOf(b.evidence_stage ?? '') - EVIDENCE.indexOf(a.evidence_stage ?? '') ||
        (SOURCE_RANK[a.organisation_type] ?? 2) - (SOURCE_RANK[b.organisation_type] ?? 2),
    );
    // Per field, the value of the best-evidenced record that has one.
    const bestValues = Object.fromEntries(
      compared.map((field) => [
        field,
        best
          .map((r) => (r as Record<string, unknown>)[field])
          .find((v) => v !== null && v !== undefined && !(Array.isArray(v) && v.length === 0)) ?? null,
      ]),
    );
    return { caseId, records: best, differing: differingFields(records), bestValues };
  }

  private sources(ids: number[]) {
    return this.db
      .selectFrom('records')
      .innerJoin('organisations', 'organisations.id', 'records.organisation_id')
      .innerJoin('returns', 'returns.id', 'records.return_id')
      .selectAll('records')
      .select([
        'organisations.name as organisation_name',
        'organisations.type as organisation_type',
        'returns.period',
      ])
      .where('records.id', 'in', ids)
      .orderBy('records.id')
      .execute();
  }
}

function differingFields(records: Record<string, unknown>[]): string[] {
  return compared.filter((field) => new Set(records.map((r) => JSON.stringify(r[field] ?? null))).size > 1);
}

export interface QueuedPair {
  id: number;
  created_at: Date;
  date_a: string | null;
  date_b: string | null;
  age_a: number | null;
  age_b: number | null;
  sex: string | null;
  area: string | null;
  organisation_a: string;
  organisation_b: string;
  why: string;
}

/** The near-match rule in words, for this pair: what agreed exactly and how far the rest was apart. */
function whyMatched(p: Omit<QueuedPair, 'why'>): string {
  const days =
    p.date_a && p.date_b ? Math.abs(Date.parse(p.date_a) - Date.parse(p.date_b)) / 86_400_000 : undefined;
  const apart =
    days === 0 ? 'same date of death' : `dates of death ${days} day${days === 1 ? '' : 's'} apart`;
  const ages = p.age_a === p.age_b ? 'same age' : 'ages 1 year apart';
  return `Same sex and area, ${ages}, ${apart}`;
}
