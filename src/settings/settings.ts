// Settings an admin can change at run time, kept in the settings table with defaults here.
import { z } from 'zod';
import type { Db, DbOrTrx } from '../db/database.js';
import { audit, type Actor } from '../audit/audit.js';
import { defaultReminderSchedule } from '../domain/reminders.js';
import { defaultDisclosure } from '../domain/disclosure.js';
import { defaultEarlyWarning } from '../domain/early-warning.js';
import { ShortCache } from '../lib/short-cache.js';

const offset = z.number().int().min(-20).max(30);

export const settingsSchema = z.object({
  deadlineWorkingDays: z.number().int().min(1).max(30),
  reminderSchedule: z.object({
    return_open: z.number().int().min(1).max(20),
    due_soon: offset,
    due_today: offset,
    overdue: offset,
    escalation: offset,
  }),
  ccsuDistributionList: z.array(z.email()),
  disclosure: z.object({
    threshold: z.number().int().min(0).max(50),
    base: z.number().int().min(1).max(100),
  }),
  earlyWarning: z.object({
    minCases: z.number().int().min(2).max(50),
    windowDays: z.number().int().min(1).max(90),
    // Settings saved before the baseline rule (#24) have none: they get the standard sensitivity.
    sensitivity: z.enum(['high', 'standard', 'low']).default('standard'),
    concerns: z.array(z.string()),
  }),
  twoFactor: z.object({
    /** CCSU accounts always need a second factor; partners too unless this is turned off. */
    partnersRequired: z.boolean(),
    /** Days a partner may have a browser remembered after a code (0: never); at most 30. */
    rememberBrowserDays: z.number().int().min(0).max(30),
  }),
});

export type Settings = z.infer<typeof settingsSchema>;

export const defaultSettings: Settings = {
  deadlineWorkingDays: 10,
  reminderSchedule: defaultReminderSchedule,
  ccsuDistributionList: [],
  disclosure: defaultDisclosure,
  earlyWarning: defaultEarlyWarning,
  twoFactor: { partnersRequired: true, rememberBrowserDays: 30 },
};

// Settings change a few times a year and are read by nearly every page (see ShortCache for the rule).
const cache = new ShortCache<object, Settings>(new WeakMap());

export async function getSettings(db: DbOrTrx): Promise<Settings> {
  return db.isTransaction ? readSettings(db) : cache.get(db, () => readSettings(db));
}

async function readSettings(db: DbOrTrx): Promise<Settings> {
  const rows = await db.selectFrom('settings').select(['key', 'value']).execute();
  const stored = Object.fromEntries(rows.map((row) => [row.key, row.value]));
  return settingsSchema.parse({ ...defaultSettings, ...stored });
}

export async function putSetting(db: DbOrTrx, key: string, value: unknown, at: Date): Promise<void> {
  cache.changed();
  await db
    .insertInto('settings')
    .values({ key, value: JSON.stringify(value), updated_at: at })
    .onConflict((oc) => oc.column('key').doUpdateSet({ value: JSON.stringify(value), updated_at: at }))
    .execute();
}

export async function getSetting(db: DbOrTrx, key: string): Promise<unknown> {
  const row = await db.selectFrom('settings').select('value').where('key', '=', key).executeTakeFirst();
  return row?.value;
}

export async function deleteSetting(db: DbOrTrx, key: string): Promise<void> {
  cache.changed();
  await db.deleteFrom('settings').where('key', '=', key).execute();
}

/** Saves every setting and its audit row in one transaction; every page in this process sees it next. */
export async function saveSettings(db: Db, next: Settings, actor: Actor, now: Date): Promise<void> {
  const before = await readSettings(db);
  await db.transaction().execute(async (trx) => {
    for (const [key, value] of Object.entries(next)) await putSetting(trx, key, value, now);
    await audit(trx, {
      actor,
      organisationId: null,
      action: 'settings_changed',
      entity: 'settings',
      detail: { before, after: next },
      at: now,
    });
  });
  // Again after the commit: a page that read the old values while the transaction ran is not kept.
  cache.changed();
}
