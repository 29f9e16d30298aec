// Reading a Coroners Audit file: one row per inquest. Every row is checked before anything is saved;
// problems name the row and the column and never repeat a cell (identifiers above all). The linkage
// identifiers (NHS number; surname, first initial and date of birth) become the same HMAC keys partner
// records carry, here, and are forgotten: they leave this function only as keys.
import type { SmallFileReader } from '../lib/small-csv.js';
import * as ref from '../domain/reference.js';
import { identifierProblem } from '../domain/identifiers.js';
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

const isDate = (v: string) => {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(v)) return false;
  const d = new Date(`${v}T00:00:00Z`);
  return !Number.isNaN(d.getTime()) && d.toISOString().slice(0, 10) === v;
};
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
  const codes = {
    conclusion: new Set<string>(ref.codesOf(ref.inquestConclusions)),
    substance: new Set<string>(ref.codesOf(ref.substances)),
    sex: new Set<string>(ref.codesOf(ref.sexes)),
    area: new Set<string>(ref.codesOf(ref.areas)),
  };
  const problems: string[] = [];
  const rows: AuditRow[] = [];
  const refs = new Set<string>();
  for (const [i, cells] of csv.body.entries()) {
    if (problems.length >= 50) break;
    const row = csv.rowNumbers[i]!;
    const cell = (c: (typeof AUDIT_COLUMNS)[number]) => {
      const at = names.indexOf(c);
      return at >= 0 ? (cells[at] ?? '').trim() : '';
    };
    const problem = (column: string, message: string) => problems.push(`Row ${row}, ${column}: ${message}`);

    const inquestRef = cell('inquest_ref').toUpperCase();
    if (!/^[A-Z0-9][A-Z0-9/\-_.]{0,29}$/.test(inquestRef))
      problem('inquest_ref', 'enter the inquest reference: up to 30 letters, numbers, / - _ or .');
    else if (identifierProblem(inquestRef)) problem('inquest_ref', identifierProblem(inquestRef)!);
    else if (!/\d/.test(inquestRef) || /[A-Z]{5,}/.test(inquestRef))
      // A reference is the coroner's numbering; a word of five or more letters may be a surname.
      problem('inquest_ref', 'enter the coroner’s reference number, like INQ-2026-014, not a name');
    else if (refs.has(inquestRef)) problem('inquest_ref', 'the same reference appears twice in the file');
    refs.add(inquestRef);
    const death = cell('date_of_death');
    if (!isDate(death) || death > today)
      problem('date_of_death', 'enter a date in the past, like 2026-03-14');
    const inquest = cell('inquest_date');
    if (inquest && (!isDate(inquest) || inquest > today || (isDate(death) && inquest < death)))
      problem('inquest_date', 'enter a date on or after the death and not in the future, or leave it empty');
    const conclusion = cell('conclusion').toLowerCase();
    if (!codes.conclusion.has(conclusion))
      problem('conclusion', `use a conclusion code: ${ref.codesOf(ref.inquestConclusions).join(', ')}`);
    const drug = yesNo(cell('drug_related'));
    if (drug === null) problem('drug_related', 'enter yes or no');
    const alcohol = yesNo(cell('alcohol_related'));
    if (alcohol === null) problem('alcohol_related', 'enter yes or no');
    const substances = cell('substances')
      .split(/[;,]/)
      .map((s) => s.trim().toLowerCase())
      .filter(Boolean);
    if (substances.some((s) => !codes.substance.has(s)))
      problem('substances', 'use substance codes from the data dictionary, separated by ;');
    const ageText = cell('age');
    if (ageText && (!/^\d{1,3}$/.test(ageText) || Number(ageText) > 120))
      problem('age', 'enter a whole number of years, 0 to 120');
    const sex = cell('sex').toLowerCase();
    if (sex && !codes.sex.has(sex)) problem('sex', 'enter male, female, indeterminate or not_known');
    const area = cell('residence_area').toLowerCase();
    if (area && !codes.area.has(area)) problem('residence_area', 'use an area code, like watford');

    // Linkage identifiers: checked, turned into keys, never kept or repeated.
    const nhs = cell('nhs_number').replace(/\s+/g, '');
    if (nhs && !isValidNhsNumber(nhs))
      problem('nhs_number', 'the NHS number is not valid (check each digit)');
    const [surname, initial, birth] = [cell('surname'), cell('first_initial'), cell('date_of_birth')];
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
  return problems.length ? { ok: false, problems: problems.slice(0, 50) } : { ok: true, rows };
}

/** The template: headings and one made-up row with no identifiers. */
export const auditTemplate = [
  [...AUDIT_COLUMNS],
  [
    'INQ-2026-001',
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
