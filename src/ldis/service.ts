// LDIS alerts: what the Local Drug Information System has warned about, entered by CCSU; linked to the
// records that carry the alert's reference, and shown beside the early warnings they bear on.
import type { SmallFileReader } from '../lib/small-csv.js';
import type { Clock } from '../clock.js';
import type { Db, DbOrTrx } from '../db/database.js';
import { audit, type Actor } from '../audit/audit.js';
import { londonDateOf } from '../domain/periods.js';
import { readLdisCsv } from './alerts-csv.js';
import {
  casesCarrying,
  findLdisAlert,
  insertLdisAlert,
  ldisAlertsWithCaseCounts,
  ldisAlertsIssuedBetween,
  type LdisInput,
  recentLdisAlertsAbout,
  recentLdisAlertsWithDeaths,
} from './repository.js';

export type { LdisInput };

/**
 * LDIS alerts of the 90 days before `today` about any of these early-warning concerns, read in the
 * caller's transaction (early warnings note them as they are raised).
 */
export function ldisAlertsAbout(trx: DbOrTrx, today: string, concernKeys: readonly string[]) {
  return recentLdisAlertsAbout(trx, today, concernKeys);
}

export class LdisService {
  constructor(
    private readonly db: Db,
    private readonly clock: Clock,
    private readonly files: SmallFileReader,
  ) {}

  /** Every alert, newest first, with how many cases carry its reference. */
  list() {
    return ldisAlertsWithCaseCounts(this.db);
  }

  /** One alert and the cases whose records carry its reference. */
  async find(id: number) {
    const alert = await findLdisAlert(this.db, id);
    if (!alert) return undefined;
    return { alert, cases: await casesCarrying(this.db, alert.reference) };
  }

  async create(input: LdisInput, actor: Actor): Promise<'created' | 'reference_exists'> {
    const now = this.clock.now();
    return this.db.transaction().execute(async (trx) => {
      const id = await insertLdisAlert(trx, input, actor.label, now);
      if (id === undefined) return 'reference_exists' as const;
      await audit(trx, {
        actor,
        organisationId: null,
        action: 'ldis_alert_added',
        entity: 'ldis_alert',
        entityId: id,
        detail: { reference: input.reference, substances: input.substances },
        at: now,
      });
      return 'created' as const;
    });
  }

  /**
   * Loads a CSV of alerts: every row right or nothing saved; an alert whose reference is already here is
   * left as it is, so loading the same file again changes nothing.
   */
  async loadFile(
    file: Buffer,
    actor: Actor,
  ): Promise<{ ok: true; added: number; alreadyHere: number } | { ok: false; problems: string[] }> {
    const read = await readLdisCsv(this.files, file);
    if (!read.ok) return read;
    const now = this.clock.now();
    return this.db.transaction().execute(async (trx) => {
      let added = 0;
      for (const input of read.rows)
        if ((await insertLdisAlert(trx, input, actor.label, now)) !== undefined) added += 1;
      await audit(trx, {
        actor,
        organisationId: null,
        action: 'ldis_alerts_loaded',
        entity: 'ldis_alert',
        detail: { rows: read.rows.length, added },
        at: now,
      });
      return { ok: true as const, added, alreadyHere: read.rows.length - added };
    });
  }

  /** LDIS alerts of the last 90 days about any of these early-warning concerns. */
  relatedTo(concernKeys: readonly string[]) {
    return recentLdisAlertsAbout(this.db, londonDateOf(this.clock.now()), concernKeys);
  }

  /**
   * LDIS alerts of the last 90 days about a substance found in deaths of the last 90 days, with how many
   * of those deaths: the alerts page shows them even when no cluster has formed.
   */
  aboutRecentDeaths() {
    return recentLdisAlertsWithDeaths(this.db, londonDateOf(this.clock.now()));
  }

  /** Alerts issued in a range of dates, for the partnership picture's time axis. */
  issuedBetween(from: string, to: string, area?: string) {
    return ldisAlertsIssuedBetween(this.db, from, to, area);
  }
}
