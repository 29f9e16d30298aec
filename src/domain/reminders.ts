// When each reminder is due (product spec §4). Pure: the deadline and today are passed in.
import { addWorkingDays, lastDayOf, workingDayOffset, type IsoDate, type Period } from './periods.js';

export const reminderKinds = ['return_open', 'due_soon', 'due_today', 'overdue', 'escalation'] as const;
export type ReminderKind = (typeof reminderKinds)[number];

/** Working days from the deadline for each kind; "return open" counts from the end of the month instead. */
export interface ReminderSchedule {
  return_open: number; // nth working day after the month ends
  due_soon: number; // relative to the deadline (negative: before it)
  due_today: number;
  overdue: number;
  escalation: number;
}

export const defaultReminderSchedule: ReminderSchedule = {
  return_open: 1,
  due_soon: -3,
  due_today: 0,
  overdue: 1,
  escalation: 5,
};

export const reminderLabels: Record<ReminderKind, string> = {
  return_open: 'Return open',
  due_soon: 'Due soon',
  due_today: 'Due today',
  overdue: 'Overdue',
  escalation: 'Escalation',
};

export function reminderDates(
  period: Period,
  deadline: IsoDate,
  schedule: ReminderSchedule,
): Record<ReminderKind, IsoDate> {
  return {
    return_open: addWorkingDays(lastDayOf(period), Math.max(1, schedule.return_open)),
    due_soon: workingDayOffset(deadline, schedule.due_soon),
    due_today: workingDayOffset(deadline, schedule.due_today),
    overdue: workingDayOffset(deadline, schedule.overdue),
    escalation: workingDayOffset(deadline, schedule.escalation),
  };
}

/**
 * The one reminder to send today: the latest kind whose date has come. After downtime this is still
 * one message — the most recent — never a burst of stale ones.
 */
export function dueReminder(
  period: Period,
  deadline: IsoDate,
  today: IsoDate,
  schedule: ReminderSchedule,
): ReminderKind | null {
  const dates = reminderDates(period, deadline, schedule);
  let due: ReminderKind | null = null;
  let dueDate = '';
  for (const kind of reminderKinds)
    if (dates[kind] <= today && dates[kind] >= dueDate) {
      due = kind;
      dueDate = dates[kind];
    }
  return due;
}
