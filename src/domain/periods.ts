// Periods (calendar months, "YYYY-MM"), working days and deadlines. Pure functions of their arguments:
// "today" is always passed in, computed from the injected clock in Europe/London.
import Holidays from 'date-holidays';

export type Period = string; // YYYY-MM
export type IsoDate = string; // YYYY-MM-DD

const londonDate = new Intl.DateTimeFormat('en-CA', {
  timeZone: 'Europe/London',
  year: 'numeric',
  month: '2-digit',
  day: '2-digit',
});

// England's clocks change on the hour, so every instant in one minute has the same English date: the
// last minute's answer is kept (a page asks for "today" several times).
let lastMinute = NaN;
let lastDate = '';

/** The calendar date in England at an instant; deadlines and "today" are English dates. */
export function londonDateOf(instant: Date): IsoDate {
  const minute = Math.floor(instant.getTime() / 60_000);
  if (minute !== lastMinute) {
    lastDate = londonDate.format(instant);
    lastMinute = minute;
  }
  return lastDate;
}

export function periodOf(date: IsoDate): Period {
  return date.slice(0, 7);
}

export function isPeriod(value: string): boolean {
  return /^\d{4}-(0[1-9]|1[0-2])$/.test(value);
}

export function addMonths(period: Period, months: number): Period {
  const [year, month] = period.split('-').map(Number) as [number, number];
  const index = year * 12 + (month - 1) + months;
  return `${Math.floor(index / 12)}-${String((index % 12) + 1).padStart(2, '0')}`;
}

export function firstDayOf(period: Period): IsoDate {
  return `${period}-01`;
}

export function lastDayOf(period: Period): IsoDate {
  const [year, month] = period.split('-').map(Number) as [number, number];
  const day = new Date(Date.UTC(year, month, 0)).getUTCDate();
  return `${period}-${String(day).padStart(2, '0')}`;
}

/** Periods from `from` to `to` inclusive, newest first. */
export function periodsBetween(from: Period, to: Period): Period[] {
  const result: Period[] = [];
  for (let p = to; p >= from; p = addMonths(p, -1)) result.push(p);
  return result;
}

/** The months' names, January first. */
export const monthNames = [
  'January',
  'February',
  'March',
  'April',
  'May',
  'June',
  'July',
  'August',
  'September',
  'October',
  'November',
  'December',
];

export function formatPeriod(period: Period): string {
  const [year, month] = period.split('-').map(Number) as [number, number];
  return `${monthNames[month - 1]} ${year}`;
}

export function formatDate(date: IsoDate | null | undefined): string {
  if (!date) return '';
  const [year, month, day] = date.split('-').map(Number) as [number, number, number];
  return `${day} ${monthNames[month - 1]} ${year}`;
}

const weekdays = ['Sunday', 'Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday'];

export function formatDateWithDay(date: IsoDate): string {
  return `${weekdays[utc(date).getUTCDay()]} ${formatDate(date)}`;
}

function utc(date: IsoDate): Date {
  return new Date(`${date}T00:00:00Z`);
}

export function addDays(date: IsoDate, days: number): IsoDate {
  const d = utc(date);
  d.setUTCDate(d.getUTCDate() + days);
  return d.toISOString().slice(0, 10);
}

/** Calendar days from one date to another (negative when `to` is earlier). */
export function daysBetween(from: IsoDate, to: IsoDate): number {
  return Math.round((utc(to).getTime() - utc(from).getTime()) / 86_400_000);
}

// England & Wales bank holidays come from date-holidays (maintained rules, any year), cached per year.
const englandHolidays = new Holidays('GB', 'ENG');
const bankHolidayCache = new Map<number, Set<IsoDate>>();

export function bankHolidaysIn(year: number): Set<IsoDate> {
  let holidays = bankHolidayCache.get(year);
  if (!holidays) {
    holidays = new Set(
      englandHolidays
        .getHolidays(year)
        .filter((holiday) => holiday.type === 'public')
        .map((holiday) => holiday.date.slice(0, 10)),
    );
    bankHolidayCache.set(year, holidays);
  }
  return holidays;
}

export function isWorkingDay(date: IsoDate): boolean {
  const day = utc(date).getUTCDay();
  if (day === 0 || day === 6) return false;
  return !bankHolidaysIn(Number(date.slice(0, 4))).has(date);
}

/** The nth working day after `date` (n ≥ 1), or before it when n is negative. */
export function addWorkingDays(date: IsoDate, n: number): IsoDate {
  const step = n < 0 ? -1 : 1;
  let remaining = Math.abs(n);
  let current = date;
  while (remaining > 0) {
    current = addDays(current, step);
    if (isWorkingDay(current)) remaining -= 1;
  }
  return current;
}

/** Working day `n` relative to a working day: 0 is the day itself, +1 the next working day, -3 three before. */
export function workingDayOffset(date: IsoDate, n: number): IsoDate {
  return n === 0 ? date : addWorkingDays(date, n);
}

const deadlines = new Map<string, IsoDate>();

/** The deadline of a period's return: the nth working day after the month ends. */
export function deadlineOf(period: Period, workingDays: number): IsoDate {
  // Worked out day by day against the bank holidays, and asked for on every return page: kept once known.
  const key = `${period} ${workingDays}`;
  let deadline = deadlines.get(key);
  if (deadline === undefined) {
    deadline = addWorkingDays(lastDayOf(period), workingDays);
    deadlines.set(key, deadline);
  }
  return deadline;
}

/** A return can be submitted from the first day of the following month. */
export function canSubmitOn(period: Period, today: IsoDate): boolean {
  return today >= firstDayOf(addMonths(period, 1));
}

/**
 * Working days from `from` to `to`: positive when `to` is later (working days after `from` up to and
 * including `to`), negative when earlier, 0 on the same day. "2 working days late" is +2.
 */
export function workingDaysBetween(from: IsoDate, to: IsoDate): number {
  if (from === to) return 0;
  const [start, end, sign] = from < to ? [from, to, 1] : [to, from, -1];
  let count = 0;
  for (let day = addDays(start, 1); day <= end; day = addDays(day, 1)) if (isWorkingDay(day)) count += 1;
  return sign * count;
}

/** The middle value (the mean of the middle two for an even count), or null for none. */
export function median(values: number[]): number | null {
  if (values.length === 0) return null;
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}
