// Reading CCSU's population file (ONS mid-year estimates), in any of the three shapes they come in:
//   - totals: gss_code, year, population;
//   - single years of age, one row each: gss_code, year, age, population (and sex, summed over);
//   - single years of age across: gss_code (or code), year, then columns 0, 1, … 90 (ONS's MYE2 sheets;
//     other columns such as name or "all ages" are ignored).
// Ages are banded by the app into the 2013 European Standard Population's five-year groups (90 and over
// last), for age-standardised rates; the totals are the sum of the ages. Every row is checked before
// anything is saved; problems name the row and the column, and never repeat what a cell held unless it
// is a well-formed code or number.
import type { SmallFileReader } from '../lib/small-csv.js';
import { AGE_GROUPS, ageGroupLabel, ageGroupOf } from '../domain/standardised.js';

export interface PopulationRow {
  gss_code: string;
  year: number;
  population: number;
}

export interface AgePopulationRow extends PopulationRow {
  age_group: number;
}

export type PopulationFile =
  { ok: true; rows: PopulationRow[]; byAge: AgePopulationRow[] } | { ok: false; problems: string[] };

/** Ten districts × 91 ages × two sexes × several years, with room. */
const MAX_ROWS = 20_000;
const GSS = /^[EWSN]\d{8}$/;
const OLDEST = 90;

const lettersOf = (h: string) => h.toLowerCase().replace(/[^a-z]/g, '');
/** "0", "Age 0", "90+" → 0, 0, 90; not an age column → undefined. */
function ageColumn(h: string): number | undefined {
  const m = /^(?:age\s*)?(\d{1,3})\+?$/i.exec(h.trim());
  return m ? Number(m[1]) : undefined;
}

export async function readPopulationCsv(
  reader: SmallFileReader,
  buffer: Buffer,
  knownGss: Set<string>,
  thisYear: number,
): Promise<PopulationFile> {
  const csv = await reader.read(buffer, MAX_ROWS, (header) => {
    const names = header.map(lettersOf);
    const hasCode = names.includes('gsscode') || names.includes('code');
    const wide = header.some((h) => ageColumn(h) === 0);
    const ok = hasCode && names.includes('year') && (wide || names.includes('population'));
    return ok
      ? undefined
      : 'The first row must name the columns gss_code, year and population (and age, for single years of age), or gss_code, year and 0 to 90';
  });
  if (!csv.ok) return csv;
  const names = csv.header.map(lettersOf);
  const at = {
    gss_code: names.includes('gsscode') ? names.indexOf('gsscode') : names.indexOf('code'),
    year: names.indexOf('year'),
    population: names.indexOf('population'),
    age: names.indexOf('age'),
  };
  const ageColumns = csv.header.map(ageColumn);
  const wide = ageColumns.includes(0);
  const byAgeFile = wide || at.age !== -1;
  const problems: string[] = [];
  const totals = new Map<string, PopulationRow>();
  const groups = new Map<string, number[]>();
  const agesSeen = new Map<string, Set<number>>();
  const count = (row: number, column: string, text: string | undefined) => {
    const cleaned = (text ?? '').replace(/,/g, '').trim();
    if (/^\d{1,8}$/.test(cleaned)) return Number(cleaned);
    problems.push(`Row ${row}, ${column}: enter a whole number of people`);
    return 0;
  };
  const add = (key: string, age: number, people: number) => {
    const list = groups.get(key) ?? new Array<number>(AGE_GROUPS).fill(0);
    list[ageGroupOf(Math.min(age, OLDEST))]! += people;
    groups.set(key, list);
    const seen = agesSeen.get(key) ?? new Set<number>();
    seen.add(Math.min(age, OLDEST));
    agesSeen.set(key, seen);
  };
  const seenRows = new Set<string>();
  csv.body.forEach((cells, i) => {
    const row = csv.rowNumbers[i]!;
    const gss = (cells[at.gss_code] ?? '').trim().toUpperCase();
    const year = (cells[at.year] ?? '').trim();
    const before = problems.length;
    if (!GSS.test(gss)) problems.push(`Row ${row}, gss_code: enter a GSS code, like E07000095`);
    else if (!knownGss.has(gss))
      problems.push(`Row ${row}, gss_code: ${gss} is not the code of an area here`);
    if (!/^\d{4}$/.test(year) || Number(year) < 2000 || Number(year) > thisYear)
      problems.push(`Row ${row}, year: enter a year from 2000 to ${thisYear}`);
    const badKey = problems.length > before;
    const key = `${gss}|${year}`;
    if (!wide && !byAgeFile) {
      if (seenRows.has(key)) problems.push(`Row ${row}: ${gss} appears twice for ${year}`);
      seenRows.add(key);
      const people = (cells[at.population] ?? '').replace(/,/g, '').trim();
      if (!/^\d{1,8}$/.test(people) || Number(people) === 0)
        problems.push(`Row ${row}, population: enter a whole number above 0`);
      else if (!badKey) totals.set(key, { gss_code: gss, year: Number(year), population: Number(people) });
      return;
    }
    if (badKey) return;
    if (wide) {
      if (seenRows.has(key)) problems.push(`Row ${row}: ${gss} appears twice for ${year}`);
      seenRows.add(key);
      ageColumns.forEach((age, c) => {
        if (age !== undefined) add(key, age, count(row, csv.header[c]!.trim(), cells[c]));
      });
    } else if (byAgeFile) {
      const ageText = (cells[at.age] ?? '').trim();
      const age = /^\d{1,3}\+?$/.test(ageText) ? Number(ageText.replace('+', '')) : NaN;
      if (!(age >= 0 && age <= 120)) {
        problems.push(`Row ${row}, age: enter an age in whole years, from 0 to 90 (or 90+)`);
        return;
      }
      add(key, age, count(row, 'population', cells[at.population]));
    }
  });
  const byAge: AgePopulationRow[] = [];
  for (const [key, list] of groups) {
    const [gss, year] = key.split('|') as [string, string];
    const missing = list
      .map((_, g) => g)
      .filter((g) => ![...agesSeen.get(key)!].some((a) => ageGroupOf(a) === g));
    if (missing.length)
      problems.push(
        `${gss} ${year}: no residents are given for ages ${missing.map(ageGroupLabel).join(', ')}; give every age from 0 to 90`,
      );
    const total = list.reduce((a, b) => a + b, 0);
    if (total === 0) problems.push(`${gss} ${year}: the population adds up to 0`);
    totals.set(key, { gss_code: gss, year: Number(year), population: total });
    list.forEach((population, age_group) =>
      byAge.push({ gss_code: gss, year: Number(year), age_group, population }),
    );
  }
  if (problems.length) return { ok: false, problems: problems.slice(0, 50) };
  return { ok: true, rows: [...totals.values()], byAge };
}
