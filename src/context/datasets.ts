// The context datasets CCSU loads beside the returns (spec §11): what each file holds, its columns and
// the measures it counts. One table, read by the file reader, the template, the pages, the partnership
// picture and the feed, so a new dataset is one entry here.
import { monthNames } from '../domain/periods.js';

export type PeriodKind = 'month' | 'quarter' | 'year';

export interface ContextDataset {
  id: 'ambulance' | 'hospital' | 'ons';
  title: string;
  /** One sentence on what a row counts. */
  about: string;
  /** The column holding the period, and the kinds of period it may hold. */
  periodColumn: 'month' | 'period' | 'year';
  periodKinds: PeriodKind[];
  /** What is counted: [code, label]. With one measure the file has no measure column. */
  measures: readonly (readonly [string, string])[];
  /** Whether rows may be split by the data dictionary's substance groups. */
  bySubstanceGroup: boolean;
  /** Examples for the template's period column. */
  examplePeriods: string[];
}

export const contextDatasets: ContextDataset[] = [
  {
    id: 'ambulance',
    title: 'Ambulance call-outs',
    about: 'Ambulance call-outs for suspected overdose or poisoning, by area and month.',
    periodColumn: 'month',
    periodKinds: ['month'],
    measures: [['suspected_overdose', 'Ambulance call-outs for suspected overdose or poisoning']],
    bySubstanceGroup: true,
    examplePeriods: ['2026-01', '2026-02'],
  },
  {
    id: 'hospital',
    title: 'Hospital admissions',
    about:
      'Hospital admissions for drug poisoning and for alcohol-specific conditions, by area and month or quarter.',
    periodColumn: 'period',
    periodKinds: ['month', 'quarter'],
    measures: [
      ['drug_poisoning', 'Hospital admissions for drug poisoning'],
      ['alcohol_specific', 'Hospital admissions for alcohol-specific conditions'],
    ],
    bySubstanceGroup: false,
    examplePeriods: ['2026-01', '2026-Q1'],
  },
  {
    id: 'ons',
    title: 'ONS deaths registered',
    about:
      'Deaths related to drug poisoning, from drug misuse and from alcohol-specific causes, by local authority and year of registration (Office for National Statistics).',
    periodColumn: 'year',
    periodKinds: ['year'],
    measures: [
      ['drug_poisoning', 'ONS deaths related to drug poisoning'],
      ['drug_misuse', 'ONS deaths from drug misuse'],
      ['alcohol_specific', 'ONS alcohol-specific deaths'],
    ],
    bySubstanceGroup: false,
    examplePeriods: ['2024', '2025'],
  },
];

export type ContextDatasetId = ContextDataset['id'];

export const datasetIds = contextDatasets.map((d) => d.id);

export function datasetOf(id: string): ContextDataset | undefined {
  return contextDatasets.find((d) => d.id === id);
}

/** The file's columns, in the template's order. */
export function columnsOf(dataset: ContextDataset): string[] {
  return [
    'gss_code',
    dataset.periodColumn,
    ...(dataset.measures.length > 1 ? ['measure'] : []),
    ...(dataset.bySubstanceGroup ? ['substance_group'] : []),
    'count',
  ];
}

/** The columns a file must have (a substance group may be left out: the rows are then all substances). */
export function requiredColumnsOf(dataset: ContextDataset): string[] {
  return columnsOf(dataset).filter((c) => c !== 'substance_group');
}

const MONTH_NAMES = monthNames.map((name) => name.slice(0, 3).toUpperCase());

/**
 * A month however a spreadsheet wrote it: 2026-03, 2026-3, 03/2026, Mar-26 and March 2026 (Excel turns
 * "2026-03" into "Mar-26" when it saves a CSV), or a date on any day of it (an Excel date cell).
 */
function monthOf(text: string): string | undefined {
  const at = (year: number, month: number) =>
    year >= 1900 && year <= 2100 && month >= 1 && month <= 12
      ? `${year}-${String(month).padStart(2, '0')}`
      : undefined;
  let m = /^(\d{4})-(\d{1,2})(?:-\d{1,2})?$/.exec(text);
  if (m) return at(Number(m[1]), Number(m[2]));
  m = /^(\d{1,2})[/.-](\d{4})$/.exec(text);
  if (m) return at(Number(m[2]), Number(m[1]));
  m = /^([A-Z]{3})[A-Z]*[\s-]+(\d{2}|\d{4})$/.exec(text);
  if (m && MONTH_NAMES.includes(m[1]!)) {
    const year = Number(m[2]);
    return at(m[2]!.length === 2 ? 2000 + year : year, MONTH_NAMES.indexOf(m[1]!) + 1);
  }
  return undefined;
}

/** A period as its first month and length: 2026-03 → 1 month, 2026-Q2 → 3 from 2026-04, 2025 → 12. */
export function readPeriod(
  value: string,
  kinds: PeriodKind[],
): { start: string; months: number; kind: PeriodKind } | null {
  const text = value.trim().toUpperCase();
  const month = kinds.includes('month') ? monthOf(text) : undefined;
  if (month) return { start: month, months: 1, kind: 'month' };
  let match: RegExpExecArray | null;
  match = /^(\d{4})[- ]?Q([1-4])$/.exec(text);
  if (match && kinds.includes('quarter'))
    return {
      start: `${match[1]}-${String((Number(match[2]) - 1) * 3 + 1).padStart(2, '0')}`,
      months: 3,
      kind: 'quarter',
    };
  match = /^(\d{4})$/.exec(text);
  if (match && kinds.includes('year')) return { start: `${match[1]}-01`, months: 12, kind: 'year' };
  return null;
}

const kindExamples: Record<PeriodKind, string> = {
  month: 'a month like 2026-03',
  quarter: 'a quarter like 2026-Q1',
  year: 'a year like 2025',
};

export function periodHint(dataset: ContextDataset): string {
  const words = dataset.periodKinds.map((k) => kindExamples[k]);
  return words.length > 1 ? `${words.slice(0, -1).join(', ')} or ${words.at(-1)}` : words[0]!;
}
