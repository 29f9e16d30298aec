// Reading a file of LDIS alerts (for CCSU to load several at once): a CSV with the columns reference,
// title, issued_on (YYYY-MM-DD), substances and areas (data-dictionary codes separated by ";"), severity
// and link. Every row is checked before anything is saved; problems name the row and column and never
// repeat what a cell held unless it is a well-formed code.
import type { SmallFileReader } from '../lib/small-csv.js';
import { identifierProblem } from '../domain/identifiers.js';
import * as ref from '../domain/reference.js';
import type { LdisInput } from './repository.js';

const MAX_ROWS = 500;
const COLUMNS = ['reference', 'title', 'issued_on', 'substances', 'areas', 'severity', 'link'] as const;
const REQUIRED = ['reference', 'title', 'issued_on', 'substances', 'severity'];

export async function readLdisCsv(
  reader: SmallFileReader,
  buffer: Buffer,
): Promise<{ ok: true; rows: LdisInput[] } | { ok: false; problems: string[] }> {
  const namesOf = (header: string[]) => header.map((h) => h.toLowerCase().trim());
  const csv = await reader.read(buffer, MAX_ROWS, (header) =>
    REQUIRED.every((c) => namesOf(header).includes(c))
      ? undefined
      : `The first row must name the columns ${COLUMNS.join(', ')} (areas and link may be empty)`,
  );
  if (!csv.ok) return csv;
  const { body } = csv;
  const names = namesOf(csv.header);
  const at = Object.fromEntries(COLUMNS.map((c) => [c, names.indexOf(c)])) as Record<
    (typeof COLUMNS)[number],
    number
  >;
  const substanceCodes = new Set<string>(ref.codesOf(ref.substances));
  const areaCodes = new Set<string>(ref.codesOf(ref.districts));
  const problems: string[] = [];
  const rows: LdisInput[] = [];
  body.forEach((cells, i) => {
    const row = csv.rowNumbers[i]!;
    const cell = (c: (typeof COLUMNS)[number]) => (at[c] >= 0 ? (cells[at[c]] ?? '').trim() : '');
    const reference = cell('reference').toUpperCase();
    if (!/^[A-Z0-9\-_/ .]{1,20}$/.test(reference))
      problems.push(
        `Row ${row}, reference: enter up to 20 letters, numbers, spaces, hyphens, slashes or full stops`,
      );
    else if (identifierProblem(reference))
      problems.push(`Row ${row}, reference: ${identifierProblem(reference)}`);
    const title = cell('title');
    if (!title || title.length > 200)
      problems.push(`Row ${row}, title: enter a title of up to 200 characters`);
    else if (identifierProblem(title)) problems.push(`Row ${row}, title: ${identifierProblem(title)}`);
    const issued = cell('issued_on');
    const date = /^\d{4}-\d{2}-\d{2}$/.test(issued) ? new Date(`${issued}T00:00:00Z`) : undefined;
    if (!date || Number.isNaN(date.getTime()) || date.toISOString().slice(0, 10) !== issued)
      problems.push(`Row ${row}, issued_on: enter a date like 2026-11-03`);
    const list = (c: 'substances' | 'areas') =>
      cell(c)
        .split(/[;,]/)
        .map((s) => s.trim().toLowerCase())
        .filter(Boolean);
    const substances = list('substances');
    const unknownSubstance = substances.find((s) => !substanceCodes.has(s));
    if (substances.length === 0)
      problems.push(`Row ${row}, substances: give at least one substance code, like heroin_morphine`);
    else if (unknownSubstance)
      problems.push(
        `Row ${row}, substances: ${/^[a-z_]{1,40}$/.test(unknownSubstance) ? `${unknownSubstance} is not` : 'one is not'} a substance code in the data dictionary`,
      );
    const areas = list('areas');
    if (areas.some((a) => !areaCodes.has(a)))
      problems.push(`Row ${row}, areas: use district codes, like watford`);
    const severity = cell('severity').toLowerCase();
    if (severity !== 'information' && severity !== 'warning' && severity !== 'urgent')
      problems.push(`Row ${row}, severity: enter information, warning or urgent`);
    const link = cell('link');
    if (link && !/^https:\/\/[^\s]+$/.test(link))
      problems.push(`Row ${row}, link: enter a link that starts https://, or leave it empty`);
    rows.push({
      reference,
      title,
      issued_on: issued,
      substances,
      areas,
      severity: severity as LdisInput['severity'],
      link: link || null,
    });
  });
  const references = rows.map((r) => r.reference);
  references.forEach((r, i) => {
    if (references.indexOf(r) !== i)
      problems.push(`Row ${csv.rowNumbers[i]!}, reference: ${r} appears twice in the file`);
  });
  return problems.length ? { ok: false, problems: problems.slice(0, 50) } : { ok: true, rows };
}
