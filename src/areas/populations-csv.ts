// Reading CCSU's population file: a CSV of GSS code, year and population (ONS mid-year estimates).
// Every row is checked before anything is saved; problems name the row and the column, and never repeat
// what a cell held unless it is a well-formed code or number.
import type { SmallFileReader } from '../lib/small-csv.js';

export interface PopulationRow {
  gss_code: string;
  year: number;
  population: number;
}

export type PopulationFile = { ok: true; rows: PopulationRow[] } | { ok: false; problems: string[] };

const MAX_ROWS = 5_000;
const GSS = /^[EWSN]\d{8}$/;

export async function readPopulationCsv(
  reader: SmallFileReader,
  buffer: Buffer,
  knownGss: Set<string>,
  thisYear: number,
): Promise<PopulationFile> {
  const columnsOf = (header: string[]) => header.map((h) => h.toLowerCase().replace(/[^a-z]/g, ''));
  const csv = await reader.read(buffer, MAX_ROWS, (header) =>
    ['gsscode', 'year', 'population'].every((c) => columnsOf(header).includes(c))
      ? undefined
      : 'The first row must name the columns gss_code, year and population',
  );
  if (!csv.ok) return csv;
  const { body } = csv;
  const columns = columnsOf(csv.header);
  const at = {
    gss_code: columns.indexOf('gsscode'),
    year: columns.indexOf('year'),
    population: columns.indexOf('population'),
  };
  const problems: string[] = [];
  const rows: PopulationRow[] = [];
  const seen = new Set<string>();
  body.forEach((cells, i) => {
    const row = csv.rowNumbers[i]!;
    const gss = (cells[at.gss_code] ?? '').toUpperCase();
    const year = cells[at.year] ?? '';
    const population = (cells[at.population] ?? '').replace(/,/g, '');
    if (!GSS.test(gss)) problems.push(`Row ${row}, gss_code: enter a GSS code, like E07000095`);
    else if (!knownGss.has(gss))
      problems.push(`Row ${row}, gss_code: ${gss} is not the code of an area here`);
    if (!/^\d{4}$/.test(year) || Number(year) < 2000 || Number(year) > thisYear)
      problems.push(`Row ${row}, year: enter a year from 2000 to ${thisYear}`);
    if (!/^\d{1,8}$/.test(population) || Number(population) === 0)
      problems.push(`Row ${row}, population: enter a whole number above 0`);
    const key = `${gss}|${year}`;
    if (seen.has(key)) problems.push(`Row ${row}: ${gss} appears twice for ${year}`);
    seen.add(key);
    rows.push({ gss_code: gss, year: Number(year), population: Number(population) });
  });
  return problems.length ? { ok: false, problems: problems.slice(0, 50) } : { ok: true, rows };
}
