// Another county's areas, from configuration: AREAS_FILE names a CSV with the columns code, name and
// gss_code (empty for an area without one), one row per area in the order pages list them. Read once
// when the reference lists are first imported (the one file this pure folder reads), so forms, uploads,
// exports, the feed and the `areas` table (synced at start-up, src/backfills.ts) all use the same list.
// Out of county, no fixed abode and unknown are added when the file does not list them: the data
// dictionary needs them whatever the county.
import { readFileSync } from 'node:fs';
import { parse } from 'csv-parse/sync';

export type AreaRow = readonly [code: string, name: string, gss: string | null];

export const alwaysAreas: AreaRow[] = [
  ['out_of_county', 'Out of county', null],
  ['no_fixed_abode', 'No fixed abode', null],
  ['unknown', 'Unknown', null],
];

/** The areas a file lists, or the problems that stop the service starting (never silently ignored). */
export function readAreaFile(
  text: string,
): { ok: true; areas: AreaRow[] } | { ok: false; problems: string[] } {
  let rows: Record<string, string>[];
  try {
    rows = parse(text, {
      bom: true,
      columns: (h: string[]) => h.map((c) => c.trim().toLowerCase()),
      skip_empty_lines: true,
      trim: true,
    });
  } catch {
    return { ok: false, problems: ['it is not a CSV file that can be read'] };
  }
  const problems: string[] = [];
  const areas: AreaRow[] = [];
  const seen = new Set<string>();
  rows.forEach((row, i) => {
    const line = i + 2;
    const code = row.code ?? '';
    const name = row.name ?? '';
    const gss = (row.gss_code ?? '').toUpperCase();
    if (!/^[a-z][a-z0-9_]{0,39}$/.test(code))
      problems.push(`row ${line}: code must be lower-case letters, digits and _, like st_albans`);
    else if (seen.has(code)) problems.push(`row ${line}: ${code} is listed twice`);
    if (!name || name.length > 80) problems.push(`row ${line}: name must be 1 to 80 characters`);
    if (gss && !/^[EWSN]\d{8}$/.test(gss))
      problems.push(`row ${line}: gss_code must be like E07000095, or empty`);
    seen.add(code);
    areas.push([code, name, gss || null]);
  });
  if (!areas.some(([, , gss]) => gss)) problems.push('it lists no area with a GSS code');
  if (problems.length) return { ok: false, problems };
  return { ok: true, areas: [...areas, ...alwaysAreas.filter(([code]) => !seen.has(code))] };
}

/** The configured areas, or undefined when AREAS_FILE is not set (the Hertfordshire list is used). */
export function configuredAreas(file = process.env.AREAS_FILE): AreaRow[] | undefined {
  if (!file) return undefined;
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch {
    throw new Error(`AREAS_FILE: ${file} cannot be read`);
  }
  const read = readAreaFile(text);
  if (!read.ok) throw new Error(`AREAS_FILE ${file}: ${read.problems.slice(0, 10).join('; ')}`);
  return read.areas;
}
