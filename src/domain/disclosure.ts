// Disclosure control (data dictionary): the one function every aggregate goes through before it leaves
// CCSU roles — partner dashboards, the summary email, aggregate feeds and exports.

export interface DisclosureSettings {
  /** Counts from 1 up to this are suppressed (default 7). */
  threshold: number;
  /** Other counts are rounded to the nearest multiple of this (default 5). */
  base: number;
}

export const defaultDisclosure: DisclosureSettings = { threshold: 7, base: 5 };

export type Shown = number | '*';

/** One count: 0 stays 0, 1–threshold becomes '*', anything else is rounded to the nearest base. */
export function suppressCount(count: number, settings: DisclosureSettings = defaultDisclosure): Shown {
  if (count === 0) return 0;
  if (count <= settings.threshold) return '*';
  return Math.round(count / settings.base) * settings.base;
}

export interface SuppressedTable {
  rows: Shown[][];
  rowTotals: Shown[];
  columnTotals: Shown[];
  total: Shown;
}

/**
 * A table of counts with row and column totals. Primary suppression as suppressCount; then secondary
 * suppression: in any line whose total is shown and which has exactly one '*' cell, the next smallest
 * non-zero cell is also hidden, so the hidden value cannot be found by subtraction; when there is no
 * such cell, the line's total is hidden instead. The totals are lines too (the column totals with the
 * grand total, the row totals with the grand total). Repeated until nothing changes, because hiding a
 * cell can leave another line with a single '*'.
 */
export function suppressTable(
  counts: number[][],
  settings: DisclosureSettings = defaultDisclosure,
): SuppressedTable {
  const rowCount = counts.length;
  const columnCount = counts[0]?.length ?? 0;
  // The grid with its margins: row `rowCount` holds the column totals, column `columnCount` the row
  // totals, and the corner the grand total.
  const grid = counts.map((row) => [...row, row.reduce((a, b) => a + b, 0)]);
  grid.push(Array.from({ length: columnCount + 1 }, (_, c) => grid.reduce((a, row) => a + row[c]!, 0)));
  const hidden = grid.map((row) => row.map((n) => n > 0 && n <= settings.threshold));

  type Cell = [row: number, column: number];
  const lines: { cells: Cell[]; total: Cell }[] = [
    ...grid.map((_, r) => ({
      cells: Array.from({ length: columnCount }, (_, c): Cell => [r, c]),
      total: [r, columnCount] as Cell,
    })),
    ...Array.from({ length: columnCount + 1 }, (_, c) => ({
      cells: Array.from({ length: rowCount }, (_, r): Cell => [r, c]),
      total: [rowCount, c] as Cell,
    })),
  ];
  const isHidden = ([r, c]: Cell) => hidden[r]![c]!;
  const hide = ([r, c]: Cell) => (hidden[r]![c] = true);
  const value = ([r, c]: Cell) => grid[r]![c]!;

  for (let changed = true; changed;) {
    changed = false;
    for (const line of lines) {
      if (isHidden(line.total) || line.cells.filter(isHidden).length !== 1) continue;
      const next = line.cells
        .filter((cell) => !isHidden(cell) && value(cell) > 0)
        .sort((a, b) => value(a) - value(b))[0];
      hide(next ?? line.total);
      changed = true;
    }
  }

  const shown = (r: number, c: number): Shown =>
    hidden[r]![c] ? '*' : suppressCount(grid[r]![c]!, settings);
  return {
    rows: counts.map((row, r) => row.map((_, c) => shown(r, c))),
    rowTotals: counts.map((_, r) => shown(r, columnCount)),
    columnTotals: Array.from({ length: columnCount }, (_, c) => shown(rowCount, c)),
    total: shown(rowCount, columnCount),
  };
}

/** Rates are not shown for fewer than 10 cases. */
export function canShowRate(cases: number): boolean {
  return cases >= 10;
}
