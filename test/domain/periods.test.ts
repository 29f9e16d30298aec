import { describe, expect, it } from '@jest/globals';
import {
  median,
  workingDaysBetween,
  addWorkingDays,
  bankHolidaysIn,
  canSubmitOn,
  deadlineOf,
  isWorkingDay,
  lastDayOf,
  londonDateOf,
  periodsBetween,
} from '../../src/domain/periods.js';
import { ragOf, returnStatus } from '../../src/domain/status.js';

describe('working days and deadlines', () => {
  it('when a month ends before Easter then Good Friday and Easter Monday are skipped', () => {
    // 1, 2, 7, 8, 9, 10, 13, 14, 15, 16 April 2026 (3 and 6 April are bank holidays).
    expect(deadlineOf('2026-03', 10)).toBe('2026-04-16');
  });

  it('when a month ends at new year then New Year’s Day and the weekend are skipped', () => {
    expect(deadlineOf('2026-12', 10)).toBe('2027-01-15');
  });

  it('when Boxing Day falls on a Saturday then the substitute Monday is not a working day', () => {
    expect(isWorkingDay('2026-12-28')).toBe(false);
    expect(bankHolidaysIn(2026).has('2026-12-28')).toBe(true);
  });

  it('when the admin changes the number of working days then the deadline moves', () => {
    expect(deadlineOf('2026-05', 1)).toBe('2026-06-01');
    expect(deadlineOf('2026-05', 5)).toBe('2026-06-05');
  });

  it('when years far ahead are asked for then bank holidays still come from the rules, not a list that ends', () => {
    expect(bankHolidaysIn(2040).has('2040-12-25')).toBe(true);
    expect(addWorkingDays('2040-12-24', 1)).toBe('2040-12-27');
  });

  it('when it is late evening in British Summer Time then the English date is used', () => {
    expect(londonDateOf(new Date('2026-06-30T23:30:00Z'))).toBe('2026-07-01');
    expect(londonDateOf(new Date('2026-12-31T23:30:00Z'))).toBe('2026-12-31');
  });

  it('when listing periods then they run newest first and leap years end on the 29th', () => {
    expect(periodsBetween('2025-11', '2026-02')).toEqual(['2026-02', '2026-01', '2025-12', '2025-11']);
    expect(lastDayOf('2028-02')).toBe('2028-02-29');
  });

  it('when the month has not ended then its return cannot be submitted', () => {
    expect(canSubmitOn('2026-03', '2026-03-31')).toBe(false);
    expect(canSubmitOn('2026-03', '2026-04-01')).toBe(true);
  });
});

describe('statuses and RAG', () => {
  const base = { deadline: '2026-04-16', today: '2026-04-10', submittedLate: false };
  it('when nothing is stored then the return is not started before the deadline and overdue after it', () => {
    expect(returnStatus({ ...base, state: null })).toBe('not_started');
    expect(returnStatus({ ...base, state: null, today: '2026-04-17' })).toBe('overdue');
    expect(returnStatus({ ...base, state: 'in_progress', today: '2026-04-16' })).toBe('in_progress');
    expect(returnStatus({ ...base, state: 'in_progress', today: '2026-04-17' })).toBe('overdue');
  });

  it('when submitted or nil then lateness decides the status and RAG', () => {
    expect(returnStatus({ ...base, state: 'submitted' })).toBe('submitted');
    expect(returnStatus({ ...base, state: 'submitted', submittedLate: true })).toBe('submitted_late');
    expect(returnStatus({ ...base, state: 'nil', submittedLate: true })).toBe('nil_late');
    expect(ragOf('submitted')).toBe('green');
    expect(ragOf('nil')).toBe('green');
    expect(ragOf('submitted_late')).toBe('amber');
    expect(ragOf('not_started')).toBe('amber');
    expect(ragOf('overdue')).toBe('red');
    expect(returnStatus({ ...base, state: 'reopened', today: '2026-05-01' })).toBe('reopened');
  });
});

describe('workingDaysBetween and median', () => {
  it('when a return comes two working days after a Friday deadline then it is +2, across the weekend', () => {
    expect(workingDaysBetween('2026-03-13', '2026-03-17')).toBe(2);
    expect(workingDaysBetween('2026-03-17', '2026-03-13')).toBe(-2);
    expect(workingDaysBetween('2026-03-13', '2026-03-13')).toBe(0);
  });
  it('when a bank holiday falls between then it is not counted', () => {
    // Good Friday 3 April and Easter Monday 6 April 2026.
    expect(workingDaysBetween('2026-04-02', '2026-04-07')).toBe(1);
  });
  it('when there is an even number of values then the median is the mean of the middle two', () => {
    expect(median([3, 1, 2])).toBe(2);
    expect(median([4, 1, 2, 3])).toBe(2.5);
    expect(median([])).toBeNull();
  });
});
