// Retention (spec §8): records whose date of death is more than RETENTION_YEARS ago are purged by a daily
// job — the record rows, their submitted versions, CCSU's queries and duplicate pairs about them, and
// what uploads kept of them — in one transaction, with an audit entry giving the counts. Each purged
// case keeps its row in case_facts without its date of death or record (month, age band, sex, area and
// substances only), so the dashboard's monthly history does not change. Administrators see a dry run.
import type { Clock } from '../clock.js';
import type { Config } from '../config.js';
import type { Db } from '../db/database.js';
import { audit, type Actor } from '../audit/audit.js';
import { refreshCaseFacts } from '../records/case-facts.js';
import { londonDateOf, type IsoDate } from '../domain/periods.js';
import {
  deleteExpired,
  expiredByYear,
  purgeHistory,
  retentionCounts,
  type RetentionCounts,
} from './repository.js';

export type { RetentionCounts };

export interface RetentionPlan extends RetentionCounts {
  years: number;
  /** Deaths before this date are purged. */
  cutoff: IsoDate;
  /** Records to purge by year of death, oldest first. */
  byYear: { year: number; records: number }[];
}

const SYSTEM: Actor = { userId: null, label: 'retention job' };

export class RetentionService {
  constructor(
    private readonly db: Db,
    private readonly config: Config,
    private readonly clock: Clock,
  ) {}

  cutoff(): IsoDate {
    const today = londonDateOf(this.clock.now());
    const [y, m, d] = today.split('-');
    return `${Number(y) - this.config.retentionYears}-${m}-${m === '02' && d === '29' ? '28' : d}`;
  }

  /** What the next run would purge: counts only, nothing changes. */
  async plan(): Promise<RetentionPlan> {
    const cutoff = this.cutoff();
    return {
      years: this.config.retentionYears,
      cutoff,
      byYear: await expiredByYear(this.db, cutoff),
      ...(await retentionCounts(this.db, cutoff)),
    };
  }

  /** The purges done so far, newest first (from the audit log), for the administrators' page. */
  history(limit = 10) {
    return purgeHistory(this.db, limit);
  }

  /** Purges everything past retention, all or nothing; audited when anything went. */
  async purge(actor: Actor = SYSTEM): Promise<RetentionCounts> {
    const cutoff = this.cutoff();
    return this.db.transaction().execute(async (trx) => {
      const counts = await retentionCounts(trx, cutoff);
      if (Object.values(counts).every((n) => n === 0)) return counts;
      const partly = await deleteExpired(trx, cutoff, this.clock.now());
      // A case that keeps some records is described by those that remain.
      await refreshCaseFacts(trx, partly);
      await audit(trx, {
        actor,
        organisationId: null,
        action: 'retention_purge',
        entity: 'records',
        entityId: null,
        detail: { cutoff, years: this.config.retentionYears, ...counts },
        at: this.clock.now(),
      });
      return counts;
    });
  }
}
