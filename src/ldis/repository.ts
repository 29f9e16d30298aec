// LDIS alerts: plain functions taking `db | trx`.
import type { DbOrTrx } from '../db/database.js';
import { ldisMatchesConcern } from '../domain/early-warning.js';
import { addDays, type IsoDate } from '../domain/periods.js';

/** How far back an LDIS alert still bears on new deaths. */
export const LDIS_RELEVANT_DAYS = 90;

/** LDIS alerts issued in the 90 days to `today`, newest first. */
export function recentLdisAlerts(db: DbOrTrx, today: IsoDate) {
  return db
    .selectFrom('ldis_alerts')
    .selectAll()
    .where('issued_on', '>=', addDays(today, -LDIS_RELEVANT_DAYS))
    .orderBy('issued_on', 'desc')
    .execute();
}

/** Recent LDIS alerts about any of these early-warning concerns. */
export async function recentLdisAlertsAbout(db: DbOrTrx, today: IsoDate, concernKeys: readonly string[]) {
  return (await recentLdisAlerts(db, today)).filter((a) =>
    concernKeys.some((key) => ldisMatchesConcern(key, a.substances)),
  );
}
