// Settings an admin can change at run time, kept in the settings table with defaults here.
import { z } from 'zod';
import type { DbOrTrx } from '../db/database.js';
import { defaultReminderSchedule } from '../domain/reminders.js';
import { defaultDisclosure } from '../domain/disclosure.js';
import { defaultEarlyWarning } from '../domain/early-warning.js';

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
    concerns: z.array(z.string()),
  }),
});

export type Settings = z.infer<typeof settingsSchema>;

export const defaultSettings: Settings = {
  deadlineWorkingDays: 10,
  reminderSchedule: defaultReminderSchedule,
  ccsuDistributionList: [],
  disclosure: defaultDisclosure,
  earlyWarning: defaultEarlyWarning,
};

export async function getSettings(db: DbOrTrx): Promise<Settings> {
  const rows = await db.selectFrom('settings').select(['key', 'value']).execute();
  const stored = Object.fromEntries(rows.map((row) => [row.key, row.value]));
  return settingsSchema.parse({ ...defaultSettings, ...stored });
}

export async function putSetting(db: DbOrTrx, key: string, value: unknown, at: Date): Promise<void> {
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
  await db.deleteFrom('settings').where('key', '=', key).execute();
}
