// Property: whatever the counts, nothing the partnership picture, completeness, their feeds or the
// briefing show a partner or an `aggregates` token is a count from 1 to 7 or one not rounded to 5.
import { describe, expect, it } from '@jest/globals';
import fc from 'fast-check';
import { present } from '../../src/dashboard/figures.js';
import { layOutPicture, monthBuckets, timeColumns } from '../../src/dashboard/picture.js';
import { showCompleteness } from '../../src/coroners/present.js';
import type { YearCompleteness } from '../../src/coroners/completeness.js';
import { chapman } from '../../src/domain/capture-recapture.js';

const disclosure = { threshold: 7, base: 5 };
const safe = (v: unknown) => v === '*' || v === 0 || (typeof v === 'number' && v > 7 && v % 5 === 0);
const count = fc.integer({ min: 0, max: 60 });

describe('disclosure of the new figures', () => {
  it('when the picture’s counts are anything then a partner sees only safe values', () => {
    const months = monthBuckets('2026-01', '2026-06');
    fc.assert(
      fc.property(
        fc.array(count, { minLength: 6, maxLength: 6 }),
        fc.array(
          fc.record({
            month: fc.integer({ min: 0, max: 5 }),
            measure: fc.constantFrom('drug_poisoning', 'alcohol_specific'),
            count,
          }),
          { maxLength: 20 },
        ),
        (cases, rows) => {
          const sums = new Map([
            [
              'hospital',
              rows.map((r) => ({
                measure: r.measure,
                area_code: 'watford',
                period_start: months[r.month]!.code,
                months: 1,
                count: r.count,
                source: 's',
                extracted_on: '2026-07-01',
              })),
            ],
          ]);
          const { figure } = layOutPicture({
            id: 'picture_month',
            title: 't',
            heading: 'Month',
            chart: 'line',
            columns: timeColumns,
            categories: months,
            cases,
            sums,
            place: (sum) => months.findIndex((m) => m.code === sum.period_start),
            scope: 'in 2026',
            unit: 'month',
            unfitted: 'do not fit',
          });
          const shown = present(figure, { exact: false, disclosure });
          for (const row of shown.cells) for (const cell of row) expect(safe(cell)).toBe(true);
        },
      ),
    );
  });

  it('when completeness counts are anything then a partner sees only safe counts and shares of shown counts', () => {
    fc.assert(
      fc.property(count, count, count, count, (confirmed, extra, partners, notConfirmed) => {
        const reported = Math.min(confirmed, extra);
        const m = Math.min(reported, partners);
        const year: YearCompleteness = {
          year: 2025,
          confirmed,
          reported,
          daysBeforeInquest: { median: 100, min: 3, max: 300, n: reported },
          firstReportedBy: { police: reported },
          notConfirmedByStage: { reported_suspected: notConfirmed },
          notConfirmed,
          capture: { n1: confirmed, n2: partners, m, chapman: chapman(confirmed, partners, m) },
        };
        const [shown] = showCompleteness([year], false, disclosure, ['drug_alcohol_treatment']);
        for (const v of [
          shown!.confirmed,
          shown!.reported,
          shown!.notConfirmed,
          shown!.n1,
          shown!.n2,
          shown!.m,
        ])
          expect(safe(v)).toBe(true);
        for (const v of [shown!.estimate, shown!.low, shown!.high])
          if (v !== null) expect(safe(v)).toBe(true);
        // No estimate from hidden counts: it would narrow them down again.
        if ([shown!.n1, shown!.n2, shown!.m, shown!.confirmed, shown!.reported].includes('*'))
          expect([shown!.estimate, shown!.low, shown!.high]).toEqual([null, null, null]);
        // A kind with too few organisations (one police force) is never named.
        expect(shown!.firstReportedBy.map(([type]) => type)).not.toContain('police');
        expect(shown!.minDays).toBeNull();
        if (shown!.reported === '*') expect(shown!.medianDays).toBeNull();
        if (
          typeof shown!.share === 'number' &&
          typeof shown!.confirmed === 'number' &&
          typeof shown!.reported === 'number'
        )
          expect(shown!.share).toBe(Math.round((shown!.reported * 100) / shown!.confirmed));
      }),
    );
  });
});
