import type { DbOrTrx } from '../db/database.js';
import { getSettings } from '../settings/settings.js';

/** The CCSU distribution list from settings, or every active CCSU user when none is set. */
export async function ccsuDistributionList(db: DbOrTrx): Promise<string[]> {
  const settings = await getSettings(db);
  if (settings.ccsuDistributionList.length > 0) return settings.ccsuDistributionList;
  const users = await db
    .selectFrom('users')
    .select('email')
    .where('role', 'in', ['ccsu_admin', 'ccsu_analyst'])
    .where('status', '=', 'active')
    .orderBy('email')
    .execute();
  return users.map((u) => u.email);
}
