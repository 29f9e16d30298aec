// A dashboard figure: counts by category (and series), and how it is shown to its audience. CCSU roles
// see exact counts; everyone else — partners, `aggregates` feed tokens — sees them through the one
// disclosure-control function. Pure, so the property tests run it thousands of times.
import { suppressCount, suppressTable, type DisclosureSettings, type Shown } from '../domain/disclosure.js';

export interface Category {
  code: string;
  label: string;
}

export interface Figure {
  id: string;
  title: string;
  /** What a category is, for the first column heading. */
  categoryHeading: string;
  chart: 'bar' | 'line' | 'stacked';
  categories: Category[];
  /** Column headings: one per series (a single series is just "Cases"). */
  series: string[];
  /** counts[category][series] */
  counts: number[][];
  /** False when a case can count in several categories (substances), so no total is meaningful. */
  additive: boolean;
  /**
   * Each column is a series of its own, with its own total stated (the partnership picture's sources
   * side by side): outside CCSU each column goes through disclosure control as a table of its own,
   * so a column shows exactly what the same counts show on any other page (the dashboard's cases by
   * month hide the same months).
   */
  separateColumns?: boolean;
  /** Each series drawn as its own small chart with its own scale (sources of very different sizes). */
  chartSeparately?: boolean;
  /** Words after the figures in the text summary, e.g. "between January and December 2026". */
  scope: string;
  /** What is counted, when not cases. */
  unit?: 'return';
  /** Series colours when they carry meaning (on time green, late orange, not made red). */
  colours?: string[];
  /** gaps[category][series]: true where the source has no figure (shown as "No data", never as 0). */
  gaps?: boolean[][];
  /** A column of words beside the counts, one per category (not drawn), e.g. the LDIS alerts of a month. */
  annotations?: { heading: string; values: string[] };
  /** Sentences under the summary: what is missing, where the figures come from. */
  notes?: string[];
  /** Where the table downloads from, when not the dashboard's own figure download. */
  csvPath?: string;
}

export interface Audience {
  exact: boolean;
  disclosure: DisclosureSettings;
}

export interface ShownFigure extends Omit<Figure, 'counts'> {
  cells: Shown[][];
  rowTotals: Shown[] | null;
  columnTotals: Shown[] | null;
  total: Shown | null;
  /** With separateColumns: each column's total as shown (for the summary; not a row of the table). */
  seriesTotals?: Shown[];
  exact: boolean;
  summary: string;
}

const sum = (values: number[]) => values.reduce((a, b) => a + b, 0);

export function present(figure: Figure, audience: Audience): ShownFigure {
  const { counts, ...rest } = figure;
  const multiSeries = figure.series.length > 1;
  let shown: Pick<ShownFigure, 'cells' | 'rowTotals' | 'columnTotals' | 'total' | 'seriesTotals'>;
  if (audience.exact) {
    shown = {
      cells: counts,
      rowTotals: figure.additive && multiSeries ? counts.map(sum) : null,
      columnTotals: figure.additive
        ? figure.series.map((_, s) => sum(counts.map((row) => row[s] ?? 0)))
        : null,
      total: figure.additive ? sum(counts.map(sum)) : null,
    };
  } else if (figure.separateColumns) {
    const columns = figure.series.map((_, s) =>
      suppressTable(
        counts.map((row) => [row[s] ?? 0]),
        audience.disclosure,
      ),
    );
    shown = {
      cells: counts.map((row, c) => row.map((_, s) => columns[s]!.rows[c]![0]!)),
      rowTotals: null,
      columnTotals: null,
      total: null,
      seriesTotals: columns.map((t) => t.total),
    };
  } else if (figure.additive && counts.length > 0) {
    const table = suppressTable(counts, audience.disclosure);
    shown = {
      cells: table.rows,
      rowTotals: multiSeries ? table.rowTotals : null,
      columnTotals: table.columnTotals,
      total: table.total,
    };
  } else {
    // No totals are shown, so there is nothing to subtract from: each count on its own.
    shown = {
      cells: counts.map((row) => row.map((n) => suppressCount(n, audience.disclosure))),
      rowTotals: null,
      columnTotals: null,
      total: null,
    };
  }
  return { ...rest, ...shown, exact: audience.exact, summary: summarise(figure, shown, audience) };
}

function summarise(figure: Figure, shown: Pick<ShownFigure, 'cells' | 'total'>, audience: Audience): string {
  const words: string[] = [];
  if (shown.total !== null) {
    const total = shown.total === '*' ? 'Fewer than 8' : `${audience.exact ? '' : 'About '}${shown.total}`;
    words.push(`${total} ${figure.unit ?? 'case'}${shown.total === 1 ? '' : 's'} ${figure.scope}.`);
  } else
    words.push(
      `Cases ${figure.scope}; a case can count under more than one ${figure.categoryHeading.toLowerCase()}.`,
    );
  figure.series.forEach((series, s) => {
    let best: { label: string; value: number } | null = null;
    figure.categories.forEach((category, c) => {
      const value = shown.cells[c]?.[s];
      if (typeof value === 'number' && value > 0 && (!best || value > best.value))
        best = { label: category.label, value };
    });
    const top = best as { label: string; value: number } | null;
    if (top)
      words.push(
        `${figure.series.length > 1 ? `${series}: most` : 'Most'} in ${top.label} (${audience.exact ? '' : 'about '}${top.value}).`,
      );
  });
  if (!audience.exact)
    words.push(
      'Counts are rounded to the nearest 5; 1 to 7 cases, and any count that would reveal them, are shown as *.',
    );
  return words.join(' ');
}
