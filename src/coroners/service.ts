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
      await trx
        .deleteFrom('audit_loads')
        .where('status', '=', 'pending')
        .where((eb) =>
          eb.or([
            eb('loaded_by', '=', actor.label),
            eb('loaded_at', '<', new Date(now.getTime() - 86_400_000)),
          ]),
        )
        .execute();
      const changes = await repo.changesFrom(trx, read.rows);
      const load = await trx
        .insertInto('audit_loads')
        .values({
          ...details,
          rows: read.rows.length,
          ...changes,
          status: 'pending',
          pending_rows: JSON.stringify(read.rows),
          loaded_by: actor.label,
          loaded_at: now,
        })
        .returning('id')
        .executeTakeFirstOrThrow();
      return { ok: true as const, loadId: load.id };
    });
  }

  /** A pending load, for its preview. */
  pending(loadId: number) {
    return this.db
      .selectFrom('audit_loads')
      .select(['id', 'source', 'extracted_on', 'rows', 'added', 'updated', 'unchanged', 'loaded_at'])
      .where('id', '=', loadId)
      .where('status', '=', 'pending')
      .executeTakeFirst();
  }

  /** Loads a pending file: new inquests added, those already here (same reference) updated. */
  async confirm(
    loadId: number,
    actor: Actor,
  ): Promise<Result<{ added: number; updated: number; unchanged: number }, 'not_pending'>> {
    const now = this.clock.now();
    return this.db.transaction().execute(async (trx) => {
      const load = await trx
        .selectFrom('audit_loads')
        .selectAll()
        .where('id', '=', loadId)
        .where('status', '=', 'pending')
        .forUpdate()
        .executeTakeFirst();
      if (!load) return fail('not_pending');
      const rows = (load.pending_rows ?? []) as AuditRow[];
      // Counted again now: another load may have come in since the preview.
      const { added, updated, unchanged } = await repo.changesFrom(trx, rows);
      await repo.upsertInquests(trx, load.id, rows);
      await trx
        .updateTable('audit_loads')
        .set({
          status: 'loaded',
          pending_rows: null,
          added,
          updated,
          unchanged,
          loaded_by: actor.label,
          loaded_at: now,
        })
        .where('id', '=', load.id)
        .execute();
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
    const result = await this.db
      .deleteFrom('audit_loads')
      .where('id', '=', loadId)
      .where('status', '=', 'pending')
      .executeTakeFirst();
    return Number(result.numDeletedRows) > 0;
  }

  loads() {
    return this.db
      .selectFrom('audit_loads')
      .select(['id', 'source', 'extracted_on', 'rows', 'added', 'updated', 'loaded_by', 'loaded_at'])
      .where('status', '=', 'loaded')
      .orderBy('loaded_at', 'desc')
      .orderBy('id', 'desc')
      .execute();
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
    const decided = await this.db
      .selectFrom('audit_decisions as d')
      .innerJoin('audit_inquests as i', 'i.id', 'd.inquest_id')
      .innerJoin('records as r', 'r.id', 'd.record_id')
      .select([
        'd.inquest_id',
        'd.record_id',
        'r.case_id',
        'd.same',
        'd.decided_by',
        'd.decided_at',
        'i.inquest_ref',
      ])
      .distinctOn(['d.decided_at', 'd.inquest_id', 'r.case_id'])
      .orderBy('d.decided_at', 'desc')
      .orderBy('d.inquest_id')
      .orderBy('r.case_id')
      .limit(50)
      .execute();
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
      const inquest = await trx
        .selectFrom('audit_inquests')
        .select(['id', 'inquest_ref'])
        .where('id', '=', inquestId)
        .executeTakeFirst();
      const record = await trx
        .selectFrom('records')
        .select('case_id')
        .where('id', '=', recordId)
        .executeTakeFirst();
      const records = await repo.recordsOfSameCase(trx, recordId);
      if (!inquest || records.length === 0) return fail('not_found');
      await trx
        .insertInto('audit_decisions')
        .values(
          records.map((id) => ({
            inquest_id: inquestId,
            record_id: id,
            same,
            decided_by: actor.label,
            decided_at: now,
          })),
        )
        .onConflict((oc) =>
          oc
            .columns(['inquest_id', 'record_id'])
            .doUpdateSet({ same, decided_by: actor.label, decided_at: now }),
        )
        .execute();
      await audit(trx, {
        actor,
        organisationId: null,
        action: same ? 'audit_linked' : 'audit_not_linked',
        entity: 'audit_inquest',
        entityId: String(inquestId),
        detail: { record_ids: records },
        at: now,
      });
      return { ok: true as const, inquestRef: inquest.inquest_ref, caseId: record?.case_id ?? null };
    });
  }

  /** Takes a decision back (for the whole case): the pair is a near match waiting again. */
  async undo(inquestId: number, recordId: number, actor: Actor): Promise<Result<object, 'not_found'>> {
    const now = this.clock.now();
    return this.db.transaction().execute(async (trx) => {
      const records = await repo.recordsOfSameCase(trx, recordId);
      const removed = records.length
        ? await trx
            .deleteFrom('audit_decisions')
            .where('inquest_id', '=', inquestId)
            .where('record_id', 'in', records)
            .executeTakeFirst()
        : { numDeletedRows: 0n };
      if (Number(removed.numDeletedRows) === 0) return fail('not_found');
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
