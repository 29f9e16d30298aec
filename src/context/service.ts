// Context datasets (spec §11): ambulance call-outs, hospital admissions and ONS death registrations,
// loaded by CCSU from CSV files. A file is read and checked whole, then held as a pending load that the
// analyst previews (how it changes what is loaded) and confirms; confirming replaces the dataset's
// figures for the periods the file covers, in one transaction with its audit entry. Loading the same
// file again changes nothing. Only counts are stored: no cell of a file is ever echoed back.
import { longStream } from '../db/long-stream.js';
import type { SmallFileReader } from '../lib/small-csv.js';
import { createHash } from 'node:crypto';
import type { Clock } from '../clock.js';
import type { Db } from '../db/database.js';
import { audit, type Actor } from '../audit/audit.js';
import { fail, type Result } from '../lib/result.js';
import { londonDateOf, periodOf, type Period } from '../domain/periods.js';
import { areasIn } from '../areas/service.js';
import { readContextCsv, templateRows } from './context-csv.js';
import { datasetOf, type ContextDataset } from './datasets.js';
import * as repo from './repository.js';

export interface LoadDetails {
  source: string;
  extracted_on: string;
  notes: string | null;
}

/** Pending loads not confirmed within this long are cleared when the next file of the dataset comes. */
const PENDING_HOURS = 24;

export class ContextService {
  constructor(
    private readonly db: Db,
    private readonly clock: Clock,
    private readonly files: SmallFileReader,
  ) {}

  private currentPeriod(): Period {
    return periodOf(londonDateOf(this.clock.now()));
  }

  async template(dataset: ContextDataset): Promise<string[][]> {
    const areas = await areasIn(this.db);
    return templateRows(
      dataset,
      areas.flatMap((a) => (a.gss_code ? [a.gss_code] : [])),
    );
  }

  /** Reads and checks a file; if every row is right, holds it as a pending load and says how it differs. */
  async receive(
    dataset: ContextDataset,
    file: Buffer,
    details: LoadDetails,
    actor: Actor,
  ): Promise<{ ok: true; loadId: number } | { ok: false; problems: string[] }> {
    const areas = await areasIn(this.db);
    const areaOfGss = new Map(areas.flatMap((a) => (a.gss_code ? [[a.gss_code, a.code] as const] : [])));
    const read = await readContextCsv(this.files, dataset, file, areaOfGss, this.currentPeriod());
    if (!read.ok) return read;
    const now = this.clock.now();
    const loadId = await this.db.transaction().execute(async (trx) => {
      await repo.dropStalePending(
        trx,
        dataset.id,
        actor.label,
        new Date(now.getTime() - PENDING_HOURS * 3_600_000),
      );
      const changes = await repo.changesFrom(trx, dataset.id, read.rows, read.from, read.to);
      const load = await repo.insertPending(trx, {
        dataset: dataset.id,
        status: 'pending',
        source: details.source,
        extracted_on: details.extracted_on,
        notes: details.notes,
        file_sha256: createHash('sha256').update(file).digest('hex'),
        period_from: read.from,
        period_to: read.to,
        rows: read.rows.length,
        changes: JSON.stringify(changes),
        created_by: actor.label,
        created_at: now,
      });
      await repo.insertCounts(trx, load.id, dataset.id, read.rows);
      return load.id;
    });
    return { ok: true, loadId };
  }

  /** A pending load of the dataset, for its preview. */
  pending(dataset: ContextDataset, loadId: number) {
    return repo.pendingLoad(this.db, dataset.id, loadId);
  }

  /** Makes a pending load's figures current, replacing the dataset's figures for the same periods. */
  async confirm(
    dataset: ContextDataset,
    loadId: number,
    actor: Actor,
  ): Promise<Result<{ rows: number; from: Period; to: Period }, 'not_pending'>> {
    const now = this.clock.now();
    return this.db.transaction().execute(async (trx) => {
      const load = await repo.pendingLoad(trx, dataset.id, loadId, { lock: true });
      if (!load) return fail('not_pending');
      const replaced = await repo.retireCurrent(trx, dataset.id, load.period_from, load.period_to);
      await repo.markLoaded(trx, loadId, now);
      await audit(trx, {
        actor,
        organisationId: null,
        action: 'context_loaded',
        entity: 'context_load',
        entityId: String(loadId),
        detail: {
          dataset: dataset.id,
          rows: load.rows,
          replaced,
          from: load.period_from,
          to: load.period_to,
          source: load.source,
          extracted_on: load.extracted_on,
        },
        at: now,
      });
      return { ok: true as const, rows: load.rows, from: load.period_from, to: load.period_to };
    });
  }

  /** Drops a pending load (the analyst chose not to load the file). */
  async cancel(dataset: ContextDataset, loadId: number): Promise<boolean> {
    return repo.deletePending(this.db, dataset.id, loadId);
  }

  history(dataset: ContextDataset) {
    return repo.loadsOf(this.db, dataset.id);
  }

  /** Each dataset's latest load, for the context data page. */
  async overview() {
    const rows = await repo.latestLoadOfEach(this.db);
    return new Map(rows.map((r) => [r.dataset, { lastLoaded: r.last_loaded, loads: Number(r.loads) }]));
  }

  /** Current totals (all substances) of a dataset for the partnership picture. */
  totals(datasetId: string, range: { from: Period; to: Period; area?: string }) {
    return repo.currentTotals(this.db, datasetId, range);
  }

  /** Every current count of a dataset, streamed for the feed. */
  feedStream(datasetId: string, range: { from: Period; to: Period; area?: string }) {
    return longStream(this.db, (db) => repo.feedRows(db, datasetId, range), 1000);
  }
}

export { datasetOf };
export type { ContextSum } from './repository.js';
