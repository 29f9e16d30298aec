// Reading a Coroners Audit file: one row per inquest. Every row is checked before anything is saved;
// problems name the row and the column and never repeat a cell (identifiers above all). The linkage
// identifiers (NHS number; surname, first initial and date of birth) become the same HMAC keys partner
// records carry, here, and are forgotten: they leave this function only as keys.
import { sayEachProblemOnce, type SmallFileReader } from '../lib/small-csv.js';
import * as ref from '../domain/reference.js';
import { identifierProblem } from '../domain/identifiers.js';
import { matchCode, parseDate } from '../records/schema.js';
import { ageAt, demographicMatchKey, isValidNhsNumber, nhsMatchKey } from '../domain/linkage.js';
import type { IsoDate } from '../domain/periods.js';

export const AUDIT_COLUMNS = [
  'inquest_ref',
  'date_of_death',
  'inquest_date',
  'conclusion',
  'drug_related',
  'alcohol_related',
  'substances',
  'age',
  'sex',
  'residence_area',
  'nhs_number',
  'surname',
  'first_initial',
  'date_of_birth',
] as const;
const REQUIRED = ['inquest_ref', 'date_of_death', 'conclusion', 'drug_related', 'alcohol_related'];
const MAX_ROWS = 20_000;

export interface AuditRow {
  inquest_ref: string;
  date_of_death: IsoDate;
  inquest_date: IsoDate | null;
  conclusion: string;
  drug_related: boolean;
  alcohol_related: boolean;
  substances: string[];
  age_at_death: number | null;
  sex: string | null;
  residence_area: string | null;
  match_key_nhs: string | null;
  match_key_demo: string | null;
}

/** The template's example row starts so: it can never be loaded as a real inquest. */
export const EXAMPLE_REF = 'EXAMPLE-DELETE-THIS-ROW';

/** A date as a coroner's spreadsheet writes it (2026-09-07, 07/09/2026, or an Excel date), else ''. */
const dateOf = (v: string) => (v ? (parseDate(v) ?? 'invalid') : '');
const isDate = (v: string) => /^\d{4}-\d{2}-\d{2}$/.test(v);

const yesNo = (v: string) =>
  /^(yes|y|true|1)$/i.test(v) ? true : /^(no|n|false|0)$/i.test(v) ? false : null;

export async function readAuditCsv(
  reader: SmallFileReader,
  buffer: Buffer,
  secret: string,
  today: IsoDate,
): Promise<{ ok: true; rows: AuditRow[] } | { ok: false; problems: string[] }> {
  const namesOf = (header: string[]) => header.map((h) => h.toLowerCase().trim().replace(/\s+/g, '_'));
  const csv = await reader.read(buffer, MAX_ROWS, (header) =>
    REQUIRED.every((c) => namesOf(header).includes(c))
      ? undefined
      : `The first row must name the columns ${AUDIT_COLUMNS.join(', ')}, as in the template`,
  );
  if (!csv.ok) return csv;
  const names = namesOf(csv.header);
  const problems: string[] = [];
  const rows: AuditRow[] = [];
  const refs = new Set<string>();
  for (const [i, cells] of csv.body.entries()) {
    // Enough to say each kind of problem once, with its rows (sayEachProblemOnce).
    if (problems.length >= 10_000) break;
    const row = csv.rowNumbers[i]!;
    const cell = (c: (typeof AUDIT_COLUMNS)[number]) => {
      const at = names.indexOf(c);
      return at >= 0 ? (cells[at] ?? '').trim() : '';
    };
    const problem = (column: string, message: string) => problems.push(`Row ${row}, ${column}: ${message}`);

    const inquestRef = cell('inquest_ref').toUpperCase();
    const refProblem = identifierProblem(inquestRef);
    if (inquestRef.startsWith(EXAMPLE_REF))
      problem('inquest_ref', 'this is the template’s example row: delete it and give your inquests');
    else if (!/^[A-Z0-9][A-Z0-9/\-_.]{0,29}$/.test(inquestRef))
      problem('inquest_ref', 'enter the inquest reference: up to 30 letters, numbers, / - _ or .');
    else if (refProblem) problem('inquest_ref', refProblem);
    else if (!/\d/.test(inquestRef) || /[A-Z]{5,}/.test(inquestRef))
      // A reference is the coroner's numbering; a word of five or more letters may be a surname.
      problem('inquest_ref', 'enter the coroner’s reference number, like INQ-2026-014, not a name');
    else if (refs.has(inquestRef)) problem('inquest_ref', 'the same reference appears twice in the file');
    refs.add(inquestRef);
    const death = dateOf(cell('date_of_death'));
    if (!isDate(death)) problem('date_of_death', 'enter the date of death, like 14/03/2026 or 2026-03-14');
    else if (death > today) problem('date_of_death', 'the date of death cannot be in the future');
    const inquest = dateOf(cell('inquest_date'));
    if (inquest && (!isDate(inquest) || inquest > today || (isDate(death) && inquest < death)))
      problem('inquest_date', 'enter a date on or after the death and not in the future, or leave it empty');
    const conclusion = matchCode(ref.inquestConclusions, cell('conclusion')) ?? '';
    if (!conclusion)
      problem(
        'conclusion',
        `use one of: ${ref.inquestConclusions.map(([, label]) => label).join(', ')} (see the allowed values on this page)`,
      );
    const drug = yesNo(cell('drug_related'));
    if (drug === null) problem('drug_related', 'enter yes or no');
    const alcohol = yesNo(cell('alcohol_related'));
    if (alcohol === null) problem('alcohol_related', 'enter yes or no');
    const substanceCells = cell('substances')
      .split(/[;,]/)
      .map((s) => s.trim())
      .filter(Boolean);
    const substances = substanceCells.map((s) => matchCode(ref.substances, s) ?? '');
    if (substances.some((s) => !s))
      problem('substances', 'use the substances listed on this page (codes or names), separated by ;');
    const ageText = cell('age');
    if (ageText && (!/^\d{1,3}$/.test(ageText) || Number(ageText) > 120))
      problem('age', 'enter a whole number of years, 0 to 120');
    const sex = cell('sex') ? (matchCode(ref.sexes, cell('sex')) ?? 'invalid') : '';
    if (sex === 'invalid') problem('sex', 'enter male, female, indeterminate or not known');
    const area = cell('residence_area') ? (matchCode(ref.areas, cell('residence_area')) ?? 'invalid') : '';
    if (area === 'invalid')
      problem('residence_area', 'use an area listed on this page, like Watford or St Albans');

    // Linkage identifiers: checked, turned into keys, never kept or repeated.
    const nhs = cell('nhs_number').replace(/\s+/g, '');
    if (nhs && !isValidNhsNumber(nhs))
      problem('nhs_number', 'the NHS number is not valid (check each digit)');
    const [surname, initial, birth] = [cell('surname'), cell('first_initial'), dateOf(cell('date_of_birth'))];
    const someName = [surname, initial, birth].some(Boolean);
    if (someName && ![surname, initial, birth].every(Boolean))
      problem('surname', 'give the surname, first initial and date of birth together, or none of them');
    else if (someName && (!/^[\p{L}' .-]{1,60}$/u.test(surname) || !/^\p{L}$/u.test(initial)))
      problem('surname', 'the surname or first initial has characters a name cannot have');
    else if (someName && (!isDate(birth) || (isDate(death) && birth > death)))
      problem('date_of_birth', 'enter a date of birth before the death, like 1980-05-02');
    else if (someName && !sex) problem('sex', 'the name-based key needs the sex');

    if (problems.length) continue;
    rows.push({
      inquest_ref: inquestRef,
      date_of_death: death,
      inquest_date: inquest || null,
      conclusion,
      drug_related: drug!,
      alcohol_related: alcohol!,
      substances,
      age_at_death: ageText ? Number(ageText) : someName ? ageAt(birth, death) : null,
      sex: sex || null,
      residence_area: area || null,
      match_key_nhs: nhs ? nhsMatchKey(secret, nhs) : null,
      match_key_demo: someName
        ? demographicMatchKey(secret, { surname, firstInitial: initial, dateOfBirth: birth, sex })
        : null,
    });
  }
  return problems.length
    ? { ok: false, problems: sayEachProblemOnce(problems).slice(0, 50) }
    : { ok: true, rows };
}

/** The template: headings and one made-up row with no identifiers, which is refused if loaded. */
export const auditTemplate = [
  [...AUDIT_COLUMNS],
  [
    EXAMPLE_REF,
    '2026-01-14',
    '2026-06-02',
    'drug_related',
    'yes',
    'no',
    'heroin_morphine;nitazene',
    '42',
    'male',
    'watford',
    '',
    '',
    '',
    '',
  ],
];
