// Reading a context dataset's file: a CSV with the columns of its template (datasets.ts). Every row is
// checked before anything is saved; problems name the row and the column and never repeat what a cell
// held unless it is a well-formed code, period or number.
import { sayEachProblemOnce, type SmallFileReader } from '../lib/small-csv.js';
import * as ref from '../domain/reference.js';
import { addMonths, type Period } from '../domain/periods.js';
import { columnsOf, periodHint, readPeriod, requiredColumnsOf, type ContextDataset } from './datasets.js';

export const MAX_CONTEXT_ROWS = 200_000;
const MAX_PROBLEMS = 50;
const GSS = /^[EWSN]\d{8}$/;

export interface ContextRow {
  area_code: string;
  period_start: Period;
  months: number;
  measure: string;
  substance_group: string;
  count: number;
}

export type ContextFile =
  { ok: true; rows: ContextRow[]; from: Period; to: Period } | { ok: false; problems: string[] };

export async function readContextCsv(
  reader: SmallFileReader,
  dataset: ContextDataset,
  buffer: Buffer,
  areaOfGss: Map<string, string>,
  currentPeriod: Period,
): Promise<ContextFile> {
  const namesOf = (header: string[]) => header.map((h) => h.toLowerCase().trim().replace(/\s+/g, '_'));
  const required = requiredColumnsOf(dataset);
  const csv = await reader.read(buffer, MAX_CONTEXT_ROWS, (header) =>
    required.every((c) => namesOf(header).includes(c))
      ? undefined
      : `The first row must name the columns ${columnsOf(dataset).join(', ')}, as in the template`,
  );
  if (!csv.ok) return csv;
  const names = namesOf(csv.header);
  const at = (column: string) => names.indexOf(column);
  const measures = new Map(dataset.measures.map(([code]) => [code, code]));
  const groups = new Set<string>(ref.codesOf(ref.substanceGroups));
  const problems: string[] = [];
  const rows: ContextRow[] = [];
  const rowNumbers: number[] = [];
  const seen = new Set<string>();
  let from: Period | null = null;
  let to: Period | null = null;
  for (const [i, cells] of csv.body.entries()) {
    // Enough to say each kind of problem once, with the rows it is on (sayEachProblemOnce).
    if (problems.length >= 10_000) break;
    const row = csv.rowNumbers[i]!;
    const cell = (column: string) => (at(column) >= 0 ? (cells[at(column)] ?? '').trim() : '');
    const before = problems.length;

    const gss = cell('gss_code').toUpperCase();
    const area = areaOfGss.get(gss);
    if (!GSS.test(gss)) problems.push(`Row ${row}, gss_code: enter a GSS code, like E07000095`);
    else if (!area) problems.push(`Row ${row}, gss_code: ${gss} is not the code of an area here`);

    const period = readPeriod(cell(dataset.periodColumn), dataset.periodKinds);
    if (!period) problems.push(`Row ${row}, ${dataset.periodColumn}: enter ${periodHint(dataset)}`);
    else if (period.start < '2000-01' || period.start > currentPeriod)
      problems.push(`Row ${row}, ${dataset.periodColumn}: enter a period from 2000 up to this month`);

    let measure = dataset.measures[0]![0];
    if (dataset.measures.length > 1) {
      const given = cell('measure').toLowerCase();
      if (!measures.has(given))
        problems.push(
          `Row ${row}, measure: enter one of ${dataset.measures.map(([code]) => code).join(', ')}`,
        );
      measure = given;
    }

    const group = dataset.bySubstanceGroup ? cell('substance_group').toLowerCase() : '';
    if (group && !groups.has(group))
      problems.push(
        `Row ${row}, substance_group: use a substance group code from the data dictionary, or leave it empty for all substances`,
      );

    const count = cell('count').replace(/,/g, '');
    if (!/^\d{1,7}$/.test(count))
      problems.push(
        `Row ${row}, count: enter a whole number, 0 or more (leave out a row whose figure is not known)`,
      );

    if (problems.length > before || !period || !area) continue;
    const key = `${area}|${period.start}|${period.months}|${measure}|${group}`;
    if (seen.has(key)) {
      problems.push(`Row ${row}: the same area, period and measure appear twice`);
      continue;
    }
    seen.add(key);
    const end = addMonths(period.start, period.months - 1);
    if (!from || period.start < from) from = period.start;
    if (!to || end > to) to = end;
    rowNumbers.push(row);
    rows.push({
      area_code: area,
      period_start: period.start,
      months: period.months,
      measure,
      substance_group: group,
      count: Number(count),
    });
  }
  // A substance group's row is a breakdown of the area's total (a call-out can involve several groups, so
  // the groups do not add up to it): the total must be there too.
  if (dataset.bySubstanceGroup)
    rows.forEach((r, i) => {
      if (r.substance_group && !seen.has(`${r.area_code}|${r.period_start}|${r.months}|${r.measure}|`))
        problems.push(
          `Row ${rowNumbers[i]}, substance_group: give this area and month's total on a row with substance_group empty too`,
        );
    });
  if (problems.length) return { ok: false, problems: sayEachProblemOnce(problems).slice(0, MAX_PROBLEMS) };
  return { ok: true, rows, from: from!, to: to! };
}

/** The template: the headings and two example rows for the first areas with GSS codes. */
export function templateRows(dataset: ContextDataset, gssCodes: string[]): string[][] {
  const examples = gssCodes.slice(0, 2);
  return [
    columnsOf(dataset),
    ...examples.flatMap((gss, i) =>
      dataset.measures.slice(0, 2).map(([measure], m) =>
        columnsOf(dataset).map((column) => {
          if (column === 'gss_code') return gss;
          if (column === dataset.periodColumn) return dataset.examplePeriods[i % 2]!;
          if (column === 'measure') return measure;
          if (column === 'substance_group') return '';
          return String(12 + 3 * i + m);
        }),
      ),
    ),
  ];
}
