// A file CCSU loads (populations, LDIS alerts, context data, the Coroners Audit): read through the same
// reader as partners' uploads (lib/spreadsheet.ts: CSV in small pieces with a cap on a row's size, or
// XLSX checked against zip bombs) and the same budget (lib/read-budget.ts: every row counted, blank ones
// too; a deadline; a heap limit), one file at a time per instance. A hostile file — millions of commas
// on one line, millions of blank lines — ends in one plain message, never a dead process. Nothing from
// a cell is repeated in a message.
import { beforeDeadline, withinBudget } from './read-budget.js';
import { Gate } from './gate.js';
import { openTable, tooManyRows, UploadFileError, type Cell } from './spreadsheet.js';

export type SmallCsv =
  { ok: true; header: string[]; body: string[][]; rowNumbers: number[] } | { ok: false; problems: string[] };

export interface SmallFileLimits {
  /** Rows read at most, blank ones included (the partners' upload limit). */
  maxRowsRead: number;
  maxMs: number;
  xlsxMaxEntries: number;
  xlsxMaxUncompressedBytes: number;
}

/** A cell as the text a CSV would have held: Excel's dates as YYYY-MM-DD, numbers as written. */
function textOf(cell: Cell): string {
  if (cell === null) return '';
  if (cell instanceof Date) return Number.isNaN(cell.getTime()) ? '' : cell.toISOString().slice(0, 10);
  return String(cell).trim();
}

export class SmallFileReader {
  // One CCSU file at a time per instance: these are rare, and two large ones at once would only share
  // the same memory. A second waits up to 15 s, then is told to try again.
  private readonly gate = new Gate(1);

  constructor(private readonly limits: SmallFileLimits) {}

  async read(
    buffer: Buffer,
    maxRows: number,
    headerProblem: (header: string[]) => string | undefined,
  ): Promise<SmallCsv> {
    try {
      return await this.gate.run(() => this.readRows(buffer, maxRows, headerProblem));
    } catch (error) {
      if (error instanceof UploadFileError) return { ok: false, problems: [error.message] };
      throw error;
    }
  }

  private async readRows(
    buffer: Buffer,
    maxRows: number,
    headerProblem: (header: string[]) => string | undefined,
  ): Promise<SmallCsv> {
    // Every row read counts, blank ones too, up to the partners' limit (or this file's own, if larger);
    // opening the file meets the same deadline as its rows, as partners' uploads do.
    const maxRowsRead = Math.max(this.limits.maxRowsRead, maxRows);
    const table = await beforeDeadline(
      openTable(buffer, { ...this.limits, relaxQuotes: true, maxLines: maxRowsRead + 1 }),
      this.limits.maxMs,
    );
    const header = table.header.map((h) => h.trim());
    const problem = headerProblem(header);
    if (problem) return { ok: false, problems: [problem] };
    const body: string[][] = [];
    const rowNumbers: number[] = [];
    const budget = { maxRows: maxRowsRead + 1, maxMs: this.limits.maxMs };
    for await (const row of withinBudget(table.rows, budget)) {
      const cells = row.cells.map(textOf);
      if (cells.every((c) => c === '')) continue;
      if (body.length === maxRows) return { ok: false, problems: [tooManyRows(maxRows).message] };
      body.push(cells);
      rowNumbers.push(row.number);
    }
    if (body.length === 0) return { ok: false, problems: ['The file has no rows under its headings'] };
    return { ok: true, header, body, rowNumbers };
  }
}

/**
 * The same problem on many rows, said once: "Row 2, month: enter a month like 2026-03" twenty times
 * becomes "Rows 2 to 21 (20 rows), month: enter a month like 2026-03". Other lines keep their order.
 */
export function sayEachProblemOnce(problems: string[]): string[] {
  const rowsOf = new Map<string, number[]>();
  const order: string[] = [];
  for (const line of problems) {
    const m = /^Row (\d+), (.*)$/.exec(line);
    const key = m ? m[2]! : line;
    if (!rowsOf.has(key)) {
      rowsOf.set(key, []);
      order.push(key);
    }
    if (m) rowsOf.get(key)!.push(Number(m[1]));
  }
  return order.map((key) => {
    const rows = rowsOf.get(key)!;
    if (rows.length === 0) return key;
    if (rows.length === 1) return `Row ${rows[0]}, ${key}`;
    const consecutive = rows.every((r, i) => i === 0 || r === rows[i - 1]! + 1);
    const which = consecutive
      ? `${rows[0]} to ${rows.at(-1)}`
      : rows.length <= 6
        ? rows.join(', ')
        : `${rows.slice(0, 5).join(', ')} and ${rows.length - 5} more`;
    return `Rows ${which} (${rows.length} rows), ${key}`;
  });
}
