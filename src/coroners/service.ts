// The Coroners Audit: CCSU loads it (all or nothing; an inquest loaded again is updated, so a re-load
// adds nothing), each inquest links to the partner-reported case with the same key or, for near
// matches, the one an analyst confirms (reversible); and completeness is worked out from the links.
import type { SmallFileReader } from '../lib/small-csv.js';
import type { Clock } from '../clock.js';
import type { Db } from '../db/database.js';
import { audit, type Actor } from '../audit/audit.js';
import { londonDateOf, type Period } from '../domain/periods.js';
import type { DisclosureSettings } from '../domain/disclosure.js';
import { fail, type Result } from '../lib/result.js';
import { readAuditCsv, type AuditRow } from './audit-csv.js';
import { completenessOfAudit, quarterLineOf } from './completeness-figures.js';
import { isConfirmed, linkOf } from './completeness.js';
import * as loads from './load-repository.js';
import * as repo from './repository.js';

export class CoronersService {
  constructor(
    private readonly db: Db,
    private readonly clock: Clock,
    private readonly linkageSecret: string,
    private readonly files: SmallFileReader,
  ) {}

  /**
   * Checks a file whole; if every row is right, holds its rows (identifiers already turned into keys) as
   * a pending load and works out what confirming it would do.
   */
  async receive(
    file: Buffer,
    details: { source: string; extracted_on: string },
    actor: Actor,
  ): Promise<{ ok: true; loadId: number } | { ok: false; problems: string[] }> {
    const now = this.clock.now();
    const read = await readAuditCsv(this.files, file, this.linkageSecret, londonDateOf(now));
    if (!read.ok) return read;
    return this.db.transaction().execute(async (trx) => {
      await loads.dropStalePending(trx, actor.label, new Date(now.getTime() - 86_400_000));
      const changes = await repo.changesFrom(trx, read.rows);
      const load = await loads.insertPending(trx, {
        ...details,
        rows: read.rows.length,
        ...changes,
        status: 'pending',
        pending_rows: JSON.stringify(read.rows),
        loaded_by: actor.label,
        loaded_at: now,
      });
      return { ok: true as const, loadId: load.id };
    });
  }

  /** A pending load, for its preview. */
  pending(loadId: number) {
    return loads.pendingLoad(this.db, loadId);
  }

  /** Loads a pending file: new inquests added, those already here (same reference) updated. */
  async confirm(
    loadId: number,
    actor: Actor,
  ): Promise<Result<{ added: number; updated: number; unchanged: number }, 'not_pending'>> {
    const now = this.clock.now();
    return this.db.transaction().execute(async (trx) => {
      const load = await loads.lockPending(trx, loadId);
      if (!load) return fail('not_pending');
      const rows = (load.pending_rows ?? []) as AuditRow[];
      // Counted again now: another load may have come in since the preview.
      const { added, updated, unchanged } = await repo.changesFrom(trx, rows);
      await repo.upsertInquests(trx, load.id, rows);
      await loads.markLoaded(trx, load.id, {
        added,
        updated,
        unchanged,
        loaded_by: actor.label,
        loaded_at: now,
      });
      await audit(trx, {
        actor,
        organisationId: null,
        action: 'coroners_audit_loaded',
        entity: 'audit_load',
        entityId: String(load.id),
        detail: {
          rows: rows.length,
          added,
          updated,
          unchanged,
          source: load.source,
          extracted_on: load.extracted_on,
        },
        at: now,
      });
      return { ok: true as const, added, updated, unchanged };
    });
  }

  /** Drops a pending load: nothing from the file is kept. */
  async cancel(loadId: number): Promise<boolean> {
    return loads.deletePending(this.db, loadId);
  }

  loads() {
    return loads.loadedHistory(this.db);
  }

  /** Every inquest with its link, and the near matches waiting for an analyst. */
  async links() {
    const inquests = (await repo.inquestsWithLinks(this.db)).map((i) => ({
      ...i,
      ...linkOf(i),
      confirmed: isConfirmed(i),
    }));
    const waiting = inquests.filter((i) => i.how === 'none');
    const matches = await repo.nearMatches(
      this.db,
      waiting.map((i) => i.id),
    );
    const decided = await repo.recentDecisions(this.db, 50);
    const count = (how: string) => inquests.filter((i) => i.how === how).length;
    return {
      counts: {
        total: inquests.length,
        key: count('key'),
        analyst: count('analyst'),
        conflict: count('conflict'),
        none: count('none'),
      },
      // Each possible case once, with the organisations whose records made it a near match.
      queue: waiting
        .map((i) => {
          const found = matches.filter((m) => m.inquest_id === i.id);
          const cases = [...new Set(found.map((m) => m.case_id))].map((caseId) => {
            const records = found.filter((m) => m.case_id === caseId);
            return { ...records[0]!, organisations: [...new Set(records.map((r) => r.organisation))] };
          });
          return { inquest: i, cases };
        })
        .filter((q) => q.cases.length > 0),
      conflicts: inquests.filter((i) => i.how === 'conflict'),
      decided,
    };
  }

  /**
   * An analyst says whether an inquest and a partner's case (named by one of its records) are the same
   * death. The decision is kept for every record of the case, so it stands whichever record a later
   * near match finds.
   */
  async decide(
    inquestId: number,
    recordId: number,
    same: boolean,
    actor: Actor,
  ): Promise<Result<{ inquestRef: string; caseId: number | null }, 'not_found'>> {
    const now = this.clock.now();
    return this.db.transaction().execute(async (trx) => {
      const inquest = await repo.findInquest(trx, inquestId);
      const caseId = await repo.caseOfRecord(trx, recordId);
      const records = await repo.recordsOfSameCase(trx, recordId);
      if (!inquest || records.length === 0) return fail('not_found');
      await repo.saveDecisions(trx, { inquestId, records, same, decidedBy: actor.label, decidedAt: now });
      await audit(trx, {
        actor,
        organisationId: null,
        action: same ? 'audit_linked' : 'audit_not_linked',
        entity: 'audit_inquest',
        entityId: String(inquestId),
        detail: { record_ids: records },
        at: now,
      });
      return { ok: true as const, inquestRef: inquest.inquest_ref, caseId };
    });
  }

  /** Takes a decision back (for the whole case): the pair is a near match waiting again. */
  async undo(inquestId: number, recordId: number, actor: Actor): Promise<Result<object, 'not_found'>> {
    const now = this.clock.now();
    return this.db.transaction().execute(async (trx) => {
      const records = await repo.recordsOfSameCase(trx, recordId);
      const removed = await repo.deleteDecisions(trx, inquestId, records);
      if (removed === 0) return fail('not_found');

      await audit(trx, {
        actor,
        organisationId: null,
        action: 'audit_decision_undone',
        entity: 'audit_inquest',
        entityId: String(inquestId),
        detail: { record_ids: records },
        at: now,
      });
      return { ok: true as const };
    });
  }

  /** How many inquests have near matches waiting for a decision (shown beside the duplicates queue). */
  async waitingCount(): Promise<number> {
    return (await this.links()).queue.length;
  }

  /** Completeness for every year the audit covers, newest last (completeness-figures.ts). */
  completeness() {
    return completenessOfAudit(this.db);
  }

  /** The summary email's completeness line for the quarter ending with `period` (completeness-figures.ts). */
  quarterLine(period: Period, disclosure: DisclosureSettings): Promise<string | null> {
    return quarterLineOf(this.db, period, disclosure);
  }
}
