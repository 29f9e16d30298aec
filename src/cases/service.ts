// De-duplication for CCSU: the review queue of near matches, an analyst's link or keep-apart decision
// (audited, reversible), and a case page with each partner's record side by side.
import type { Clock } from '../clock.js';
import type { Db } from '../db/database.js';
import { audit, type Actor } from '../audit/audit.js';
import { compared } from '../records/diff.js';
import { relinkCases } from './relink.js';
import * as repo from './repository.js';
import { byBestEvidence } from '../domain/evidence.js';
import { fail, type Result } from '../lib/result.js';

/** Why a decision on a near-match pair, or undoing one, was not made. */
export type PairReason = 'not_found' | 'already_decided' | 'not_decided';
export type PairResult = Result<object, PairReason>;

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
    const pairs = await repo.pendingPairs(this.db);
    return pairs.map((p) => ({ ...p, why: whyMatched(p) }));
  }

  async decided() {
    return repo.decidedPairs(this.db, 50);
  }

  async pair(id: number) {
    const pair = await repo.findPair(this.db, id);
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
  ): Promise<PairResult> {
    const now = this.clock.now();
    return this.db.transaction().execute(async (trx) => {
      const pair = await repo.decidePair(trx, id, {
        status: decision,
        reason,
        decided_by: actor.label,
        decided_at: now,
      });
      // Not waiting: gone, or decided by another analyst since this one opened it.
      if (!pair) return fail((await repo.findPair(trx, id)) ? 'already_decided' : 'not_found');
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
      return { ok: true as const };
    });
  }

  /** Puts a decided pair back in the queue; audited. */
  async undo(id: number, actor: Actor): Promise<PairResult> {
    const now = this.clock.now();
    return this.db.transaction().execute(async (trx) => {
      const before = await repo.findPair(trx, id, { lock: true });
      if (!before) return fail('not_found');
      if (before.status === 'pending') return fail('not_decided');
      await repo.reopenPair(trx, id);
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
      return { ok: true as const };
    });
  }

  /** A case: its source records side by side, the fields that differ, and the best-evidenced values. */
  async case(caseId: number) {
    const ids = await repo.recordIdsOfCase(this.db, caseId);
    if (ids.length === 0) return undefined;
    const records = await this.sources(ids);
    const best = [...records].sort(byBestEvidence);
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
    return repo.sourceRecords(this.db, ids);
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
