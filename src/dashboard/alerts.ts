// Early warning (product spec §6): clusters of cases sharing a substance of concern. Run by the job
// runner; CCSU gets one email per cluster (a cluster that grows stays the same alert) and the
// dashboard shows it until someone acknowledges it.
import { sql } from 'kysely';
import type { Clock } from '../clock.js';
import type { Config } from '../config.js';
import type { Db, DbOrTrx } from '../db/database.js';
import type { User } from '../db/types.js';
import { actorOf, audit } from '../audit/audit.js';
import { concernsLabel, findClusters, groupOverlapping, type Cluster } from '../domain/early-warning.js';
import { addDays, formatDate, londonDateOf } from '../domain/periods.js';
import { substances } from '../domain/reference.js';
import { enqueue } from '../mail/outbox.js';
import { ccsuDistributionList } from '../mail/recipients.js';
import { renderEmail } from '../mail/templates.js';
import { getSettings } from '../settings/settings.js';
import { recentLdisAlertsAbout } from '../ldis/repository.js';

/** Deaths further back than this are history, not an emerging cluster. */
const LOOK_BACK_DAYS = 90;

/** Substances that say nothing about what was taken cannot make a cluster. */
const unspecific = new Set<string>(
  substances.filter(([code, , group]) => group === 'unknown' || code === 'other').map(([c]) => c),
);

export interface AlertView {
  id: number;
  concerns: string;
  concernKeys: string[];
  firstDeath: string;
  lastDeath: string;
  cases: number;
  caseIds: number[];
  createdAt: Date;
}

export class AlertsService {
  constructor(
    private readonly db: Db,
    private readonly config: Config,
    private readonly clock: Clock,
  ) {}

  /** Finds clusters among recent deaths; returns how many new alerts were raised (and emailed). */
  async detect(): Promise<number> {
    const settings = (await getSettings(this.db)).earlyWarning;
    const today = londonDateOf(this.clock.now());
    const since = addDays(today, -LOOK_BACK_DAYS);
    const facts = await this.db
      .selectFrom('case_facts')
      .select(['case_id', 'date_of_death', 'substances', 'substance_groups'])
      .where('date_of_death', '>=', since)
      .where('date_of_death', '<=', today)
      .execute();
    const byConcern = new Map<string, { caseId: number; date: string }[]>();
    const add = (key: string, caseId: number, date: string) => {
      const list = byConcern.get(key);
      if (list) list.push({ caseId, date });
      else byConcern.set(key, [{ caseId, date }]);
    };
    const wanted = new Set(settings.concerns);
    for (const f of facts) {
      const keys = new Set<string>();
      for (const group of f.substance_groups) if (wanted.has(`group:${group}`)) keys.add(`group:${group}`);
      for (const substance of f.substances) {
        if (unspecific.has(substance)) continue;
        if (wanted.has('any_substance') || wanted.has(`substance:${substance}`))
          keys.add(`substance:${substance}`);
      }
      for (const key of keys) add(key, f.case_id, f.date_of_death!);
    }
    // The same cases clustering under several concerns (nitazene is an opioid) are one cluster.
    const clusters = new Map<string, Cluster & { concerns: string[] }>();
    for (const [concern, cases] of byConcern) {
      // One concern at a time, giving other requests their turn between them.
      await new Promise((resolve) => setImmediate(resolve));
      for (const cluster of findClusters(cases, settings.minCases, settings.windowDays)) {
        const key = [...cluster.caseIds].sort((a, b) => a - b).join(',');
        const seen = clusters.get(key);
        if (seen) seen.concerns.push(concern);
        else clusters.set(key, { ...cluster, concerns: [concern] });
      }
    }
    let raised = 0;
    for (const cluster of clusters.values())
      if (await this.record(cluster, settings.minCases, settings.windowDays)) raised += 1;
    return raised;
  }

  /** Extends the alert this cluster grew from, or raises a new one with its email. */
  private async record(
    cluster: Cluster & { concerns: string[] },
    minCases: number,
    windowDays: number,
  ): Promise<boolean> {
    const now = this.clock.now();
    return this.db.transaction().execute(async (trx) => {
      await sql`select pg_advisory_xact_lock(hashtext('early-warning'))`.execute(trx);
      const existing = await trx
        .selectFrom('alerts')
        .selectAll()
        .where(sql<boolean>`string_to_array(concern, ',') && ${cluster.concerns}::text[]`)
        .where(sql<boolean>`case_ids && ${cluster.caseIds}::int[]`)
        .orderBy('id')
        .executeTakeFirst();
      if (existing) {
        const caseIds = [...new Set([...existing.case_ids, ...cluster.caseIds])];
        const concerns = [...new Set([...existing.concern.split(','), ...cluster.concerns])];
        if (
          caseIds.length === existing.case_ids.length &&
          concerns.length === existing.concern.split(',').length
        )
          return false;
        await trx
          .updateTable('alerts')
          .set({
            case_ids: caseIds,
            concern: concerns.join(','),
            first_death: cluster.first < existing.first_death ? cluster.first : existing.first_death,
            last_death: cluster.last > existing.last_death ? cluster.last : existing.last_death,
            updated_at: now,
          })
          .where('id', '=', existing.id)
          .execute();
        return false;
      }
      const alert = await trx
        .insertInto('alerts')
        .values({
          concern: cluster.concerns.join(','),
          first_death: cluster.first,
          last_death: cluster.last,
          case_ids: cluster.caseIds,
          created_at: now,
          updated_at: now,
        })
        .returning('id')
        .executeTakeFirstOrThrow();
      await this.email(trx, alert.id, cluster, minCases, windowDays, now);
      await audit(trx, {
        actor: { userId: null, label: 'system' },
        organisationId: null,
        action: 'early_warning_raised',
        entity: 'alert',
        entityId: alert.id,
        detail: { concerns: cluster.concerns, first: cluster.first, last: cluster.last },
        at: now,
      });
      return true;
    });
  }

  private async email(
    trx: DbOrTrx,
    id: number,
    cluster: Cluster & { concerns: string[] },
    minCases: number,
    windowDays: number,
    now: Date,
  ) {
    const what = concernsLabel(cluster.concerns);
    const ldis = await recentLdisAlertsAbout(trx, londonDateOf(now), cluster.concerns);
    // The email says the threshold was reached, not how many cases: it leaves the app, so it carries no
    // count that disclosure control would hide.
    const content = await renderEmail('early-warning', {
      what,
      minCases,
      windowDays,
      first: formatDate(cluster.first),
      last: formatDate(cluster.last),
      link: `${this.config.publicUrl}/dashboard`,
      ldis: ldis.map((l) => ({ reference: l.reference, title: l.title, issued: formatDate(l.issued_on) })),
    });
    const to = await ccsuDistributionList(trx);
    if (to.length === 0) return; // nobody to tell yet: the dashboard banner still shows it
    await enqueue(
      trx,
      {
        idempotencyKey: `early-warning:${id}`,
        to,
        subject: `Early warning: deaths involving ${what}`,
        ...content,
      },
      now,
    );
  }

  /** How many warnings (overlapping alerts counted once) wait for CCSU: the dashboard pages' banner. */
  async waitingCount(): Promise<number> {
    return groupOverlapping(await this.unacknowledged()).length;
  }

  async unacknowledged(): Promise<AlertView[]> {
    const rows = await this.db
      .selectFrom('alerts')
      .selectAll()
      .where('acknowledged_at', 'is', null)
      .orderBy('created_at', 'desc')
      .execute();
    return rows.map((a) => ({
      id: a.id,
      concerns: concernsLabel(a.concern.split(',')),
      concernKeys: a.concern.split(','),
      firstDeath: a.first_death,
      lastDeath: a.last_death,
      cases: a.case_ids.length,
      caseIds: a.case_ids,
      createdAt: a.created_at,
    }));
  }

  async acknowledge(id: number, user: User): Promise<boolean> {
    const now = this.clock.now();
    return this.db.transaction().execute(async (trx) => {
      const result = await trx
        .updateTable('alerts')
        .set({ acknowledged_at: now, acknowledged_by: user.id })
        .where('id', '=', id)
        .where('acknowledged_at', 'is', null)
        .executeTakeFirst();
      if (Number(result.numUpdatedRows) === 0) return false;
      await audit(trx, {
        actor: actorOf(user),
        organisationId: null,
        action: 'early_warning_acknowledged',
        entity: 'alert',
        entityId: id,
        at: now,
      });
      return true;
    });
  }
}
