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
 * suppression: in any row or column whose total is shown and which has exactly one '*' cell, the next
 * smallest non-zero cell is also hidden, so the hidden value cannot be found by subtraction. Repeated
 * until nothing changes, because hiding a cell can leave another line with a single '*'.
 */
export function suppressTable(
  counts: number[][],
  settings: DisclosureSettings = defaultDisclosure,
): SuppressedTable {
  const rowTotalsRaw = counts.map((row) => row.reduce((a, b) => a + b, 0));
  const columnCount = counts[0]?.length ?? 0;
  const columnTotalsRaw = Array.from({ length: columnCount }, (_, c) =>
    counts.reduce((a, row) => a + (row[c] ?? 0), 0),
  );
  const rowTotals = rowTotalsRaw.map((n) => suppressCount(n, settings));
  const columnTotals = columnTotalsRaw.map((n) => suppressCount(n, settings));
  const hidden = counts.map((row) => row.map((n) => n > 0 && n <= settings.threshold));

  const protectLine = (
    cells: { value: number; hidden: boolean; hide: () => void }[],
    totalShown: boolean,
  ): boolean => {
    if (!totalShown) return false;
    if (cells.filter((c) => c.hidden).length !== 1) return false;
    const candidates = cells.filter((c) => !c.hidden && c.value > 0).sort((a, b) => a.value - b.value);
    if (candidates.length === 0) return false;
    candidates[0]!.hide();
    return true;
  };

  for (let changed = true; changed;) {
    changed = false;
    counts.forEach((row, r) => {
      const cells = row.map((value, c) => ({
        value,
        hidden: hidden[r]![c]!,
        hide: () => (hidden[r]![c] = true),
      }));
      if (protectLine(cells, rowTotals[r] !== '*')) changed = true;
    });
    for (let c = 0; c < columnCount; c += 1) {
      const cells = counts.map((row, r) => ({
        value: row[c]!,
        hidden: hidden[r]![c]!,
        hide: () => (hidden[r]![c] = true),
      }));
      if (protectLine(cells, columnTotals[c] !== '*')) changed = true;
    }
  }

  return {
    rows: counts.map((row, r) => row.map((n, c) => (hidden[r]![c] ? '*' : suppressCount(n, settings)))),
    rowTotals,
    columnTotals,
    total: suppressCount(
      rowTotalsRaw.reduce((a, b) => a + b, 0),
      settings,
    ),
  };
}

/** Rates are not shown for fewer than 10 cases. */
export function canShowRate(cases: number): boolean {
  return cases >= 10;
}
