// The partnership picture's figures (#14 §3): the partner-reported deaths beside ambulance call-outs,
// hospital admissions and ONS registrations, on one time axis and by area. Pure: the service fetches,
// this lays out. A context figure counts in a month, quarter, year or area only when the whole period it
// covers lies inside it (a quarter's admissions are not split into months), and a cell no figure fell
// into is a gap ("No data"), never a zero.
import type { Shown } from '../domain/disclosure.js';
import { addMonths, formatDate, formatPeriod, type Period } from '../domain/periods.js';
import type { ContextSum } from '../context/service.js';
import type { Audience, Category, Figure } from './figures.js';

export type PictureFigureId = 'picture_month' | 'picture_quarter' | 'picture_area' | 'picture_ons';

export interface PictureColumn {
  label: string;
  /** The column in a sentence, plural: "ambulance call-outs for suspected overdose or poisoning". */
  words: string;
  /** A context dataset and measure; none for the partner-reported cases. */
  dataset?: string;
  measure?: string;
}

export const timeColumns: PictureColumn[] = [
  { label: 'Deaths (cases)', words: 'drug- and alcohol-related deaths reported by partners' },
  {
    label: 'Ambulance call-outs',
    words: 'ambulance call-outs for suspected overdose or poisoning',
    dataset: 'ambulance',
    measure: 'suspected_overdose',
  },
  {
    label: 'Admissions: drug poisoning',
    words: 'hospital admissions for drug poisoning',
    dataset: 'hospital',
    measure: 'drug_poisoning',
  },
  {
    label: 'Admissions: alcohol-specific',
    words: 'hospital admissions for alcohol-specific conditions',
    dataset: 'hospital',
    measure: 'alcohol_specific',
  },
];

export const onsColumns: PictureColumn[] = [
  { label: 'Deaths (cases) by year of death', words: 'deaths reported by partners, by year of death' },
  {
    label: 'ONS: drug poisoning',
    words: 'deaths related to drug poisoning registered (ONS)',
    dataset: 'ons',
    measure: 'drug_poisoning',
  },
  {
    label: 'ONS: drug misuse',
    words: 'deaths from drug misuse registered (ONS)',
    dataset: 'ons',
    measure: 'drug_misuse',
  },
  {
    label: 'ONS: alcohol-specific',
    words: 'alcohol-specific deaths registered (ONS)',
    dataset: 'ons',
    measure: 'alcohol_specific',
  },
];

/** A stretch of months a row of the time figures covers. */
export interface Bucket extends Category {
  from: Period;
  to: Period;
}

export const monthBuckets = (from: Period, to: Period): Bucket[] => {
  const buckets: Bucket[] = [];
  for (let p = from; p <= to; p = addMonths(p, 1))
    buckets.push({ code: p, label: formatPeriod(p), from: p, to: p });
  return buckets;
};

/** Calendar quarters across [from, to], cut to it at the ends (and then named for the months they hold). */
export const quarterBuckets = (from: Period, to: Period): Bucket[] => {
  const buckets: Bucket[] = [];
  const startMonth = Number(from.slice(5, 7));
  let q = `${from.slice(0, 4)}-${String(startMonth - ((startMonth - 1) % 3)).padStart(2, '0')}`;
  for (; q <= to; q = addMonths(q, 3)) {
    const [qFrom, qTo] = [q < from ? from : q, addMonths(q, 2) > to ? to : addMonths(q, 2)];
    const name = `${q.slice(0, 4)} Q${(Number(q.slice(5, 7)) + 2) / 3}`;
    const whole = qFrom === q && qTo === addMonths(q, 2);
    const months = (p: Period) => formatPeriod(p).split(' ')[0];
    buckets.push({
      code: name,
      label: whole
        ? name
        : `${name} (${qFrom === qTo ? months(qFrom) : `${months(qFrom)} to ${months(qTo)}`} only)`,
      from: qFrom,
      to: qTo,
    });
  }
  return buckets;
};

export const yearBuckets = (fromYear: number, toYear: number): Bucket[] =>
  Array.from({ length: toYear - fromYear + 1 }, (_, i) => {
    const year = String(fromYear + i);
    return { code: year, label: year, from: `${year}-01`, to: `${year}-12` };
  });

export interface PictureInput {
  id: PictureFigureId;
  title: string;
  heading: string;
  chart: Figure['chart'];
  columns: PictureColumn[];
  categories: Category[];
  /** The partner-reported cases in each category. */
  cases: number[];
  /** Each context dataset's current totals. */
  sums: Map<string, ContextSum[]>;
  /** The category a context figure falls wholly inside, if any. */
  place: (sum: ContextSum) => number | undefined;
  /** "between January and December 2026" */
  scope: string;
  /** What a category is, in a sentence: "month", "quarter", "area", "year". */
  unit: string;
  /** Why figures that fit no category are left out: "cover a quarter or a year, so see the table by quarter". */
  unfitted: string;
}

/** The exact figure with its gaps, column totals (null: no data at all) and the sources used. */
export function layOutPicture(input: PictureInput): {
  figure: Figure;
  totals: (number | null)[];
  tooLong: boolean[];
} {
  const counts = input.categories.map((_, c) =>
    input.columns.map((column) => (column.dataset ? 0 : (input.cases[c] ?? 0))),
  );
  const gaps = input.categories.map(() => input.columns.map((column) => !!column.dataset));
  const sources = new Set<string>();
  // Figures of the period that fit no single category: a quarter's admissions in a table by month.
  const tooLong = input.columns.map(() => false);
  input.columns.forEach((column, s) => {
    if (!column.dataset) return;
    for (const sum of input.sums.get(column.dataset) ?? []) {
      if (sum.measure !== column.measure) continue;
      const c = input.place(sum);
      if (c === undefined) {
        tooLong[s] = tooLong[s]! || sum.months > 1;
        continue;
      }
      counts[c]![s]! += sum.count;
      gaps[c]![s] = false;
      sources.add(`${column.label}: ${sum.source}, extracted ${formatDate(sum.extracted_on)}`);
    }
  });
  const totals = input.columns.map((_, s) =>
    gaps.every((row) => row[s]) ? null : counts.reduce((a, row, c) => a + (gaps[c]![s] ? 0 : row[s]!), 0),
  );
  const notes: string[] = [];
  input.columns.forEach((column, s) => {
    if (totals[s] === null)
      notes.push(
        tooLong[s]
          ? `Figures of ${column.words} for this period ${input.unfitted}.`
          : `No figures of ${column.words} have been loaded for this period.`,
      );
    else if (gaps.some((row) => row[s]))
      notes.push(`“No data” marks each ${input.unit} without figures of ${column.words}.`);
  });
  notes.push(...[...sources].sort().map((s) => `Source — ${s}.`));
  return {
    figure: {
      id: input.id,
      title: input.title,
      categoryHeading: input.heading,
      chart: input.chart,
      categories: input.categories,
      series: input.columns.map((c) => c.label),
      counts,
      additive: false,
      separateColumns: true,
      // Deaths are tens a month and call-outs hundreds: on one axis the deaths are a flat line.
      chartSeparately: input.columns.length > 1,
      scope: input.scope,
      gaps,
      notes,
      csvPath: `/dashboard/picture/${input.id}.csv`,
    },
    totals,
    tooLong,
  };
}

/** The figure's text summary: each column's total for the period, through disclosure control for partners. */
export function pictureSummary(
  columns: PictureColumn[],
  laid: { totals: (number | null)[]; tooLong: boolean[] },
  scope: string,
  unit: string,
  audience: Audience,
  /** Each column's total as disclosure control showed it with the column (present's seriesTotals). */
  shownTotals: Shown[] | undefined,
): string {
  const { totals, tooLong } = laid;
  const parts = columns.map((column, s) => {
    const total = totals[s];
    if (total === null || total === undefined)
      return tooLong[s] ? `${column.words} not shown by ${unit}` : `no ${column.words} loaded`;
    const value = audience.exact ? total : (shownTotals?.[s] ?? '*');
    if (value === '*') return `fewer than ${audience.disclosure.threshold + 1} ${column.words}`;
    return `${audience.exact || value === 0 ? '' : 'about '}${value.toLocaleString('en-GB')} ${column.words}`;
  });
  const words = `${scope[0]!.toUpperCase()}${scope.slice(1)}: ${parts.join('; ')}.`;
  return audience.exact
    ? words
    : `${words} Counts are rounded to the nearest 5; 1 to 7, and any count that would reveal them, are shown as *.`;
}
