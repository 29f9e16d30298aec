// Context loads and their counts: plain functions taking `db | trx`. A count is current when its load
// has been confirmed ('loaded'); a pending load's counts wait for the analyst's confirmation.
import { sql, type Insertable } from 'kysely';
import type { DbOrTrx } from '../db/database.js';
import type { ContextChanges, ContextLoadsTable } from '../db/types.js';
import type { Period } from '../domain/periods.js';
import type { ContextRow } from './context-csv.js';

const keyOf = (
  r: Pick<ContextRow, 'area_code' | 'period_start' | 'months' | 'measure' | 'substance_group'>,
) => `${r.area_code}|${r.period_start}|${r.months}|${r.measure}|${r.substance_group}`;

/** The current counts of a dataset whose period starts within [from, to]. */
function currentIn(db: DbOrTrx, dataset: string, from: Period, to: Period) {
  return db
    .selectFrom('context_counts as c')
    .innerJoin('context_loads as l', 'l.id', 'c.load_id')
    .where('l.status', '=', 'loaded')
    .where('c.dataset', '=', dataset)
    .where('c.period_start', '>=', from)
    .where('c.period_start', '<=', to);
}

/** How a file's rows differ from the figures already loaded for the same periods. */
export async function changesFrom(
  db: DbOrTrx,
  dataset: string,
  rows: ContextRow[],
  from: Period,
  to: Period,
): Promise<ContextChanges> {
  const current = await currentIn(db, dataset, from, to)
    .select(['c.area_code', 'c.period_start', 'c.months', 'c.measure', 'c.substance_group', 'c.count'])
    .execute();
  const now = new Map(current.map((r) => [keyOf(r), r.count]));
  const changes: ContextChanges = { added: 0, changed: 0, same: 0, removed: 0 };
  const inFile = new Set<string>();
  for (const row of rows) {
    const key = keyOf(row);
    inFile.add(key);
    const before = now.get(key);
    if (before === undefined) changes.added += 1;
    else if (before === row.count) changes.same += 1;
    else changes.changed += 1;
  }
  changes.removed = [...now.keys()].filter((k) => !inFile.has(k)).length;
  return changes;
}

export async function insertCounts(db: DbOrTrx, loadId: number, dataset: string, rows: ContextRow[]) {
  // In batches: one statement per 2,000 rows keeps well under PostgreSQL's 65,535 parameters.
  for (let i = 0; i < rows.length; i += 2_000)
    await db
      .insertInto('context_counts')
      .values(rows.slice(i, i + 2_000).map((r) => ({ ...r, load_id: loadId, dataset })))
      .execute();
}

/** Takes the dataset's current figures for [from, to] out, for a new load to replace them. */
export async function retireCurrent(db: DbOrTrx, dataset: string, from: Period, to: Period) {
  const result = await db
    .deleteFrom('context_counts')
    .where('dataset', '=', dataset)
    .where('period_start', '>=', from)
    .where('period_start', '<=', to)
    .where('load_id', 'in', (eb) =>
      eb
        .selectFrom('context_loads as l')
        .select('l.id as load_id')
        .where('l.status', '=', 'loaded')
        .where('l.dataset', '=', dataset),
    )
    .executeTakeFirst();
  return Number(result.numDeletedRows);
}

/** Loads of a dataset, newest first, with how many of each load's figures are still current. */
export function loadsOf(db: DbOrTrx, dataset: string) {
  return db
    .selectFrom('context_loads as l')
    .selectAll('l')
    .select((eb) =>
      eb
        .selectFrom('context_counts as c')
        .whereRef('c.load_id', '=', 'l.id')
        .select(sql<number>`count(*)::int`.as('n'))
        .as('current_rows'),
    )
    .where('l.dataset', '=', dataset)
    .where('l.status', '=', 'loaded')
    .orderBy('l.loaded_at', 'desc')
    .orderBy('l.id', 'desc')
    .execute();
}

export interface ContextSum {
  measure: string;
  area_code: string;
  period_start: Period;
  months: number;
  count: number;
  source: string;
  extracted_on: string;
}

/**
 * A dataset's current totals (all substances) by measure, area and period, for periods that start within
 * [from, to], optionally for one area. The partnership picture lays these out by month, quarter or area.
 */
export function currentTotals(
  db: DbOrTrx,
  dataset: string,
  range: { from: Period; to: Period; area?: string },
): Promise<ContextSum[]> {
  return currentIn(db, dataset, range.from, range.to)
    .where('c.substance_group', '=', '')
    .$if(!!range.area, (q) => q.where('c.area_code', '=', range.area!))
    .select([
      'c.measure',
      'c.area_code',
      'c.period_start',
      'c.months',
      'c.count',
      'l.source',
      'l.extracted_on',
    ])
    .execute();
}

/** Every current count of a dataset, for the feed: with the area's GSS code and the load's source. */
export function feedRows(db: DbOrTrx, dataset: string, range: { from: Period; to: Period; area?: string }) {
  return currentIn(db, dataset, range.from, range.to)
    .innerJoin('areas as a', 'a.code', 'c.area_code')
    .$if(!!range.area, (q) => q.where('c.area_code', '=', range.area!))
    .select([
      'c.dataset',
      'c.area_code',
      'a.gss_code',
      'c.period_start',
      'c.months as period_months',
      'c.measure',
      'c.substance_group',
      'c.count',
      'l.source',
      'l.extracted_on',
      'l.id as load_id',
    ])
    .orderBy('c.period_start')
    .orderBy('a.ordinal')
    .orderBy('c.measure')
    .orderBy('c.substance_group');
}

/** Pending loads of the dataset this person left, and anyone's older than `olderThan`: a new file replaces them. */
export async function dropStalePending(trx: DbOrTrx, dataset: string, createdBy: string, olderThan: Date) {
  await trx
    .deleteFrom('context_loads')
    .where('dataset', '=', dataset)
    .where('status', '=', 'pending')
    .where((eb) => eb.or([eb('created_by', '=', createdBy), eb('created_at', '<', olderThan)]))
    .execute();
}

export function insertPending(trx: DbOrTrx, load: Insertable<ContextLoadsTable>) {
  return trx.insertInto('context_loads').values(load).returning('id').executeTakeFirstOrThrow();
}

/** A pending load of the dataset; `lock` holds it until the transaction ends (two confirms cannot both load it). */
export function pendingLoad(db: DbOrTrx, dataset: string, loadId: number, options: { lock?: boolean } = {}) {
  const query = db
    .selectFrom('context_loads')
    .selectAll()
    .where('id', '=', loadId)
    .where('dataset', '=', dataset)
    .where('status', '=', 'pending');
  return (options.lock ? query.forUpdate() : query).executeTakeFirst();
}

export async function markLoaded(trx: DbOrTrx, loadId: number, at: Date) {
  await trx
    .updateTable('context_loads')
    .set({ status: 'loaded', loaded_at: at })
    .where('id', '=', loadId)
    .execute();
}

/** Drops a pending load; false when there was none. */
export async function deletePending(db: DbOrTrx, dataset: string, loadId: number): Promise<boolean> {
  const result = await db
    .deleteFrom('context_loads')
    .where('id', '=', loadId)
    .where('dataset', '=', dataset)
    .where('status', '=', 'pending')
    .executeTakeFirst();
  return Number(result.numDeletedRows) > 0;
}

/** Each dataset's latest load and how many loads it has had. */
export function latestLoadOfEach(db: DbOrTrx) {
  return db
    .selectFrom('context_loads')
    .select([
      'dataset',
      (eb) => eb.fn.max('loaded_at').as('last_loaded'),
      (eb) => eb.fn.countAll<string>().as('loads'),
    ])
    .where('status', '=', 'loaded')
    .groupBy('dataset')
    .execute();
}
