// Property: whatever the data, nothing a partner or an `aggregates` token can see shows a count from 1
// to 7, or a lone * in a line whose total is shown (which subtraction would reveal).
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import fc from 'fast-check';
import { parse } from 'csv-parse/sync';
import request from 'supertest';
import { present, type Figure } from '../../src/dashboard/figures.js';
import { createOrganisation, createTestApp, type Agent, type TestApp, signedInAs } from '../helpers/app.js';
import { submittedRecord } from '../helpers/records.js';
import type { Organisation } from '../../src/db/types.js';

const disclosure = { threshold: 7, base: 5 };

/** A shown value is 0, '*', or a multiple of the base above the threshold. */
const safe = (v: number | string) => v === '*' || v === 0 || (typeof v === 'number' && v > 7 && v % 5 === 0);

/** The table's body rows, footer and whether a Total column exists, as shown on the page. */
function tablesOf(html: string) {
  return [...html.matchAll(/<table class="govuk-table" id="([^"]+)">([\s\S]*?)<\/table>/g)].map((m) => {
    const hasTotalColumn = /<th scope="col"[^>]*>Total<\/th>/.test(m[2]!);
    const rows = [...m[2]!.matchAll(/<tr class="govuk-table__row">([\s\S]*?)<\/tr>/g)]
      .map((r) =>
        [...r[1]!.matchAll(/<td[^>]*>([\s\S]*?)<\/td>/g)].map((c) => c[1]!.trim().replace(/,/g, '')),
      )
      .filter((cells) => cells.length > 0);
    return { id: m[1]!, rows, hasTotalColumn, hasTotalRow: m[2]!.includes('<tfoot>') };
  });
}

const asShown = (text: string) => (text === '*' ? '*' : Number(text));

describe('the figures function', () => {
  it('when counts are anything then partners see only safe values and never a lone * beside a shown total', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 4 }).chain((series) =>
          fc.record({
            counts: fc.array(fc.array(fc.nat({ max: 40 }), { minLength: series, maxLength: series }), {
              minLength: 1,
              maxLength: 12,
            }),
            additive: fc.boolean(),
          }),
        ),
        ({ counts, additive }) => {
          const figure: Figure = {
            id: 'f',
            title: 'F',
            categoryHeading: 'Thing',
            chart: 'bar',
            categories: counts.map((_, i) => ({ code: String(i), label: `C${i}` })),
            series: counts[0]!.map((_, s) => `S${s}`),
            counts,
            additive,
            scope: 'in test',
          };
          const shown = present(figure, { exact: false, disclosure });
          for (const v of [...shown.cells.flat(), ...(shown.rowTotals ?? []), ...(shown.columnTotals ?? [])])
            expect(safe(v)).toBe(true);
          if (shown.total !== null) expect(safe(shown.total)).toBe(true);
          if (shown.columnTotals)
            shown.columnTotals.forEach((total, s) => {
              if (total === '*') return;
              expect(shown.cells.filter((row) => row[s] === '*').length).not.toBe(1);
            });
          // The totals are a line too: one hidden column total beside a shown grand total would show.
          if (shown.columnTotals && shown.total !== null && shown.total !== '*')
            expect(shown.columnTotals.filter((v) => v === '*').length).not.toBe(1);
          if (shown.rowTotals)
            shown.rowTotals.forEach((total, c) => {
              if (total === '*') return;
              expect(shown.cells[c]!.filter((v) => v === '*').length).not.toBe(1);
            });
        },
      ),
      { numRuns: 2000 },
    );
  });
});

describe('every partner page and the aggregates feed', () => {
  let t: TestApp;
  let org: Organisation;
  let partner: Agent;
  let token: string;

  beforeAll(async () => {
    t = await createTestApp({ now: '2026-04-20T10:00:00Z' });
    org = await createOrganisation(t);
    partner = await signedInAs(t, 'partner', org.id);
    const admin = await signedInAs(t, 'ccsu_admin');
    const issued = await admin.submit('/admin/api-tokens', { name: 'BI', scope: 'aggregates', days: '30' });
    token = /value="(drd_[^"]+)"/.exec(issued.text)![1]!;
  });
  afterAll(() => t.close());

  it('when the data is anything at all then no page or feed response shows a disclosive count', async () => {
    const pages = ['', '/areas', '/classification', '/substances', '/age-sex', '/circumstances'];
    await fc.assert(
      fc.asyncProperty(
        fc.array(
          fc.record({
            area: fc.constantFrom('watford', 'dacorum', 'stevenage'),
            classification: fc.constantFrom('suspected_drug', 'suspected_alcohol', 'drug_poisoning'),
            substances: fc.subarray(['heroin_morphine', 'cocaine', 'alcohol', 'nitazene'], { minLength: 1 }),
            sex: fc.constantFrom('male', 'female'),
            age: fc.integer({ min: 16, max: 80 }),
            day: fc.integer({ min: 1, max: 28 }),
            month: fc.constantFrom('2026-01', '2026-02', '2026-03'),
          }),
          { maxLength: 40 },
        ),
        async (deaths) => {
          await t.db.deleteFrom('candidate_pairs').execute();
          await t.db.deleteFrom('case_facts').execute();
          await t.db.deleteFrom('records').execute();
          for (const d of deaths)
            await submittedRecord(t, org, {
              period: d.month,
              date_of_death: `${d.month}-${String(d.day).padStart(2, '0')}`,
              date_partner_aware: `${d.month}-28`,
              residence_area: d.area,
              death_classification: d.classification,
              substances: d.substances,
              sex: d.sex,
              age_at_death: d.age,
            });
          for (const path of pages) {
            const page = await partner.get(`/dashboard${path}?from=2026-01&to=2026-03`);
            expect(page.status).toBe(200);
            for (const table of tablesOf(page.text)) {
              const values = table.rows.map((r) => r.map(asShown));
              for (const v of values.flat()) expect([table.id, v, safe(v)]).toEqual([table.id, v, true]);
              const body = table.hasTotalRow ? values.slice(0, -1) : values;
              const width = table.hasTotalColumn ? body[0]!.length - 1 : body[0]!.length;
              if (table.hasTotalRow)
                for (let s = 0; s < width; s += 1)
                  if (values.at(-1)![s] !== '*')
                    expect(body.filter((row) => row[s] === '*').length).not.toBe(1);
              if (table.hasTotalColumn)
                for (const row of values)
                  if (row.at(-1) !== '*')
                    expect(row.slice(0, -1).filter((v) => v === '*').length).not.toBe(1);
            }
          }
          for (const figure of ['residence_area', 'age_sex', 'substance', 'death_month']) {
            const csv = await partner.get(`/dashboard/figures/${figure}.csv?from=2026-01&to=2026-03`);
            const rows = parse(csv.text.replace(/^\uFEFF/, ''), { from_line: 2 }) as string[][];
            const cells = rows.flatMap((row) => row.slice(1));
            for (const cell of cells)
              expect([figure, cell, safe(asShown(cell))]).toEqual([figure, cell, true]);
          }
          const feed = await request(t.app)
            .get('/api/v1/aggregates/cases.json?from=2026-01&to=2026-03')
            .set('Authorization', `Bearer ${token}`);
          for (const row of feed.body as { cases: string }[]) expect(safe(asShown(row.cases))).toBe(true);
        },
      ),
      { numRuns: 8 },
    );
  });
});
