import { describe, expect, it } from '@jest/globals';
import fc from 'fast-check';
import { canShowRate, suppressCount, suppressTable } from '../../src/domain/disclosure.js';
import { dueReminder, reminderDates, defaultReminderSchedule } from '../../src/domain/reminders.js';
import { deadlineOf } from '../../src/domain/periods.js';
import { linkIntoCases } from '../../src/domain/groupings.js';

describe('disclosure control', () => {
  it.each([
    [0, 0],
    [1, '*'],
    [7, '*'],
    [8, 10],
    [12, 10],
    [13, 15],
    [100, 100],
  ])('when the count is %j then %j is shown', (count, shown) => {
    expect(suppressCount(count)).toBe(shown);
  });

  it('when the threshold and base are configured then they are used', () => {
    expect(suppressCount(9, { threshold: 9, base: 10 })).toBe('*');
    expect(suppressCount(14, { threshold: 9, base: 10 })).toBe(10);
  });

  it('when one cell in a row with a shown total is suppressed then the next smallest cell is hidden too', () => {
    const table = suppressTable([[3, 10, 20]]);
    expect(table.rowTotals).toEqual([35]);
    expect(table.rows).toEqual([['*', '*', 20]]);
  });

  it('when one cell in a column is suppressed then the next smallest in the column is hidden too', () => {
    const table = suppressTable([[2], [9], [30], [0]]);
    expect(table.rows.map((r) => r[0])).toEqual(['*', '*', 30, 0]);
    expect(table.columnTotals).toEqual([40]);
  });

  it('when any table is suppressed then no line with a shown total has exactly one hidden cell and no 1–7 is shown', () => {
    fc.assert(
      fc.property(
        fc.array(fc.array(fc.nat(40), { minLength: 3, maxLength: 3 }), { minLength: 1, maxLength: 8 }),
        (counts) => {
          const t = suppressTable(counts);
          for (const row of t.rows)
            for (const v of row)
              expect(v === '*' || v === 0 || (v >= 8 && v % 5 === 0) || v === 10).toBe(true);
          t.rows.forEach((row, r) => {
            if (t.rowTotals[r] !== '*' && row.filter((v) => v === '*').length === 1)
              expect(counts[r]!.filter((n, c) => n > 0 && row[c] !== '*')).toHaveLength(0);
          });
          for (let c = 0; c < 3; c += 1) {
            const column = t.rows.map((row) => row[c]);
            if (t.columnTotals[c] !== '*' && column.filter((v) => v === '*').length === 1)
              expect(counts.filter((row, r) => row[c]! > 0 && t.rows[r]![c] !== '*')).toHaveLength(0);
          }
        },
      ),
    );
  });

  it('when there are fewer than 10 cases then no rate is shown', () => {
    expect(canShowRate(9)).toBe(false);
    expect(canShowRate(10)).toBe(true);
  });
});

describe('reminder dates', () => {
  it('when March 2026 ends before Easter then the reminders fall on working days around the 16 April deadline', () => {
    const deadline = deadlineOf('2026-03', 10);
    expect(reminderDates('2026-03', deadline, defaultReminderSchedule)).toEqual({
      return_open: '2026-04-01',
      due_soon: '2026-04-13',
      due_today: '2026-04-16',
      overdue: '2026-04-17',
      escalation: '2026-04-23',
    });
  });

  it('when a reminder follows a Friday deadline then it skips the weekend', () => {
    const deadline = deadlineOf('2026-05', 10);
    expect(deadline).toBe('2026-06-12'); // a Friday
    expect(reminderDates('2026-05', deadline, defaultReminderSchedule).overdue).toBe('2026-06-15');
  });

  it('when several kinds have passed then only the latest is due', () => {
    expect(dueReminder('2026-03', '2026-04-16', '2026-03-31', defaultReminderSchedule)).toBeNull();
    expect(dueReminder('2026-03', '2026-04-16', '2026-04-02', defaultReminderSchedule)).toBe('return_open');
    expect(dueReminder('2026-03', '2026-04-16', '2026-04-20', defaultReminderSchedule)).toBe('overdue');
    expect(dueReminder('2026-03', '2026-04-16', '2026-05-20', defaultReminderSchedule)).toBe('escalation');
  });
});

describe('cases', () => {
  it('when records share keys in a chain across three partners then they are one case', () => {
    const cases = linkIntoCases([
      { match_key_nhs: 'n1', match_key_demo: null },
      { match_key_nhs: 'n1', match_key_demo: 'd1' },
      { match_key_nhs: null, match_key_demo: 'd1' },
      { match_key_nhs: null, match_key_demo: null },
      { match_key_nhs: 'n2', match_key_demo: null },
    ]);
    expect(cases[0]).toBe(cases[1]);
    expect(cases[1]).toBe(cases[2]);
    expect(new Set(cases).size).toBe(3);
  });
});
