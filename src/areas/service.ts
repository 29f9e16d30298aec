// Areas as reference data: their ONS GSS codes and populations by year, loaded by CCSU, all or nothing,
// audited. Used for rates per 100,000 and published in the feed.
import type { SmallFileReader } from '../lib/small-csv.js';
import type { Clock } from '../clock.js';
import type { Db, DbOrTrx } from '../db/database.js';
import { audit, type Actor } from '../audit/audit.js';
import { londonDateOf } from '../domain/periods.js';
import * as repo from './repository.js';
import type { Shown } from '../domain/disclosure.js';
import { ratePer100k, rateWithInterval } from '../domain/rates.js';
import { readPopulationCsv } from './populations-csv.js';
import { standardisedRates } from './standardised-rates.js';

/** The areas partners' deaths are placed in (in the caller's connection or transaction). */
export function areasIn(db: DbOrTrx) {
  return repo.listAreas(db);
}

export class AreasService {
  constructor(
    private readonly db: Db,
    private readonly clock: Clock,
    private readonly files: SmallFileReader,
  ) {}

  list() {
    return repo.listAreas(this.db);
  }

  /** Every area with its population in each year loaded, for the areas page and the feed. */
  async withPopulations() {
    const [areas, populations] = await Promise.all([repo.listAreas(this.db), repo.listPopulations(this.db)]);
    const years = [...new Set(populations.map((p) => p.year))].sort((a, b) => a - b);
    return {
      years,
      areas: areas.map((a) => ({
        ...a,
        populations: Object.fromEntries(
          populations.filter((p) => p.area_code === a.code).map((p) => [p.year, p.population]),
        ) as Record<number, number>,
      })),
      sources: [
        ...new Map(
          populations.map((p) => [p.year, { year: p.year, source: p.source, loaded_at: p.loaded_at }]),
        ).values(),
      ],
    };
  }

  /** Each area's population for `year` or the latest year loaded before it, with that year and its source. */
  populationsFor(year: number) {
    return repo.populationsFor(this.db, year);
  }

  /**
   * Rates per 100,000 for counts by area as the reader is shown them, using the population of `year` (or
   * the latest year loaded before it), with that year and its source.
   */
  async ratesBeside(
    shown: { categories: { code: string; label: string }[]; cells: Shown[][] },
    year: number,
  ) {
    const populations = await repo.populationsFor(this.db, year);
    return {
      year: populations.year,
      source: populations.source,
      rows: shown.categories.map((category, c) => {
        const count = shown.cells[c]![0]!;
        const population = populations.byArea.get(category.code);
        return {
          label: category.label,
          count,
          population,
          rate: ratePer100k(count, population),
          interval: rateWithInterval(count, population),
        };
      }),
    };
  }

  /** Age-standardised rates of deaths in `year` (and the three years to it) for the county and districts. */
  standardisedRates(year: number, classification?: string) {
    return standardisedRates(this.db, year, classification);
  }

  englandRates() {
    return repo.listEnglandRates(this.db);
  }

  /** Saves England's standardised rate for a year (replacing one saved before), audited. */
  async saveEnglandRate(
    rate: { year: number; rate: number; lower: number; upper: number; source: string },
    actor: Actor,
  ): Promise<void> {
    const now = this.clock.now();
    await this.db.transaction().execute(async (trx) => {
      await repo.putEnglandRate(trx, { ...rate, loaded_by: actor.label, loaded_at: now });
      await audit(trx, {
        actor,
        organisationId: null,
        action: 'england_rate_saved',
        entity: 'england_rates',
        detail: rate,
        at: now,
      });
    });
  }

  /** Loads a population file: every row right, or nothing saved. A year loaded again is replaced. */
  async loadPopulations(
    file: Buffer,
    source: string,
    actor: Actor,
  ): Promise<
    { ok: true; rows: number; years: number[]; byAge: boolean } | { ok: false; problems: string[] }
  > {
    const areas = await repo.listAreas(this.db);
    const byGss = new Map(areas.filter((a) => a.gss_code).map((a) => [a.gss_code!, a.code]));
    const now = this.clock.now();
    const read = await readPopulationCsv(
      this.files,
      file,
      new Set(byGss.keys()),
      Number(londonDateOf(now).slice(0, 4)),
    );
    if (!read.ok) return read;
    const years = [...new Set(read.rows.map((r) => r.year))].sort((a, b) => a - b);
    await this.db.transaction().execute(async (trx) => {
      await repo.putPopulations(
        trx,
        read.rows.map((row) => ({
          area_code: byGss.get(row.gss_code)!,
          year: row.year,
          population: row.population,
        })),
        source,
        actor.label,
        now,
      );
      await repo.putAgePopulations(
        trx,
        read.byAge
          .map((r) => ({ ...r, area_code: byGss.get(r.gss_code)! }))
          .map(({ gss_code: _gss, ...r }) => r),
        source,
        actor.label,
        now,
      );
      await audit(trx, {
        actor,
        organisationId: null,
        action: 'populations_loaded',
        entity: 'area_populations',
        detail: { rows: read.rows.length, years, source, byAge: read.byAge.length > 0 },
        at: now,
      });
    });
    return { ok: true, rows: read.rows.length, years, byAge: read.byAge.length > 0 };
  }
}
