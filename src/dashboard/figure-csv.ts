// One figure as a CSV download, exactly as its table shows it to this reader (suppressed for partners;
// a period the source has no figure for is an empty cell, never 0).
import type { Response } from 'express';
import { streamCsv, toAsync } from '../lib/exports.js';
import type { DashboardFilters } from './filters.js';
import type { ShownFigure } from './figures.js';

export async function sendFigureCsv(res: Response, figure: ShownFigure, filters: DashboardFilters) {
  type Cell = string | number | null;
  const rows: Cell[][] = figure.categories.map((category, c) => [
    category.label,
    ...figure.cells[c]!.map((v, s) => (figure.gaps?.[c]?.[s] ? null : v)),
    ...(figure.rowTotals ? [figure.rowTotals[c]!] : []),
    ...(figure.annotations ? [figure.annotations.values[c] ?? ''] : []),
  ]);
  if (figure.columnTotals)
    rows.push(['Total', ...figure.columnTotals, ...(figure.rowTotals ? [figure.total ?? ''] : [])]);
  const header = [
    figure.categoryHeading,
    ...figure.series,
    ...(figure.rowTotals ? ['Total'] : []),
    ...(figure.annotations ? [figure.annotations.heading] : []),
  ];
  await streamCsv(
    res,
    `${figure.id}-${filters.from}-to-${filters.to}.csv`,
    header.map((h, i) => ({ header: h, value: (row: Cell[]) => row[i] ?? null })),
    toAsync(rows),
  );
}
