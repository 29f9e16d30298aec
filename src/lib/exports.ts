// Streamed CSV and XLSX exports: rows go from a PostgreSQL cursor to the response as they come, so an
// export of any size uses flat memory. Text that a spreadsheet would run as a formula is neutralised.
// Exports are bounded: a few at a time per instance (the rest wait, then are told to try again), so
// interactive requests always find a database connection; and one whose reader takes nothing for a
// while is stopped, giving its connection back — slow is fine, stalled is not.
import type { Response } from 'express';
import { Gate } from './gate.js';
import { HttpError } from './http-error.js';
import { stringify } from 'csv-stringify';
import { pipeline } from 'node:stream/promises';
import { Readable } from 'node:stream';

export interface Column<Row> {
  header: string;
  value: (row: Row) => string | number | null;
  /**
   * How a spreadsheet should hold the value: a real date ('YYYY-MM-DD'), a date and time (ISO), or
   * Yes/No ('true'/'false'). CSV keeps the text as it is, for machines.
   */
  kind?: 'date' | 'datetime' | 'boolean';
}

/** A cell as Excel should hold it: dates as dates, booleans as Yes/No, text safe from formulas. */
function xlsxCell(
  kind: Column<unknown>['kind'],
  value: string | number | null,
): string | number | Date | null {
  if (value === null || value === '') return null;
  if (kind === 'date' && typeof value === 'string' && /^\d{4}-\d{2}-\d{2}$/.test(value))
    return new Date(`${value}T00:00:00Z`);
  if (kind === 'datetime' && typeof value === 'string' && !Number.isNaN(Date.parse(value)))
    return new Date(value);
  if (kind === 'boolean')
    return value === 'true' || value === 'yes' ? 'Yes' : value === 'false' || value === 'no' ? 'No' : value;
  return neutralise(value);
}

const numberFormats = { date: 'dd/mm/yyyy', datetime: 'dd/mm/yyyy hh:mm' } as const;

/** A cell starting with = + - @ (or a tab or carriage return) is prefixed with ' so it stays text. */
export function neutralise(value: string | number | null): string | number | null {
  if (typeof value !== 'string') return value;
  return /^[=+\-@\t\r]/.test(value) ? `'${value}` : value;
}

export interface ExportLimits {
  gate: Gate;
  stallMs: number;
}

/** The limits every export of this app keeps to (set once in createApp). */
export function exportLimits(atOnce: number, stallMs: number, waitMs = 15_000): ExportLimits {
  const busy = () =>
    new HttpError(
      503,
      'exports busy',
      'Other downloads are being prepared at the moment. Try again in a minute: nothing has changed.',
    );
  return { gate: new Gate(atOnce, waitMs, busy), stallMs };
}

/** Runs an export within the app's limits: its turn at the gate, and its rows watched for a stall. */
async function bounded<Row>(
  res: Response,
  rows: AsyncIterable<Row>,
  write: (rows: AsyncIterable<Row>) => Promise<void>,
): Promise<void> {
  const limits = res.app.get('exportLimits') as ExportLimits | undefined;
  if (!limits) return write(rows);
  return limits.gate.run(() => write(watched(rows, res, limits.stallMs)));
}

async function* watched<Row>(rows: AsyncIterable<Row>, res: Response, stallMs: number): AsyncIterable<Row> {
  // Refreshed with every row the writer takes: a reader that stops reading stops the writer taking.
  const timer = setTimeout(() => res.destroy(new Error('export stalled')), stallMs);
  try {
    for await (const row of rows) {
      timer.refresh();
      yield row;
    }
  } finally {
    clearTimeout(timer);
  }
}

export async function streamCsv<Row>(
  res: Response,
  filename: string,
  columns: Column<Row>[],
  all: AsyncIterable<Row>,
): Promise<void> {
  return bounded(res, all, (rows) => writeCsv(res, filename, columns, rows));
}

async function writeCsv<Row>(
  res: Response,
  filename: string,
  columns: Column<Row>[],
  rows: AsyncIterable<Row>,
): Promise<void> {
  res
    .set('Content-Type', 'text/csv; charset=utf-8')
    .set('Content-Disposition', `attachment; filename="${filename}"`);
  res.write('\uFEFF'); // so Excel reads UTF-8
  async function* lines() {
    yield columns.map((c) => c.header);
    for await (const row of rows) yield columns.map((c) => neutralise(c.value(row)));
  }
  await pipeline(Readable.from(lines()), stringify(), res);
}

export async function streamXlsx<Row>(
  res: Response,
  filename: string,
  sheet: string,
  columns: Column<Row>[],
  all: AsyncIterable<Row>,
): Promise<void> {
  return bounded(res, all, (rows) => writeXlsx(res, filename, sheet, columns, rows));
}

async function writeXlsx<Row>(
  res: Response,
  filename: string,
  sheet: string,
  columns: Column<Row>[],
  rows: AsyncIterable<Row>,
): Promise<void> {
  res
    .set('Content-Type', 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet')
    .set('Content-Disposition', `attachment; filename="${filename}"`);
  // Imported when first needed: exceljs is large and most requests never write a workbook.
  const { default: ExcelJS } = await import('exceljs');
  const workbook = new ExcelJS.stream.xlsx.WorkbookWriter({
    stream: res,
    useStyles: true,
    useSharedStrings: false,
  });
  // The header stays in view and filters from its row; dates are Excel dates in UK order.
  const worksheet = workbook.addWorksheet(sheet, { views: [{ state: 'frozen', ySplit: 1 }] });
  worksheet.columns = columns.map((c) => ({
    header: c.header,
    key: c.header,
    width: Math.max(12, c.header.length + 2),
    style: c.kind === 'date' || c.kind === 'datetime' ? { numFmt: numberFormats[c.kind] } : {},
  }));
  worksheet.autoFilter = { from: { row: 1, column: 1 }, to: { row: 1, column: columns.length } };
  const header = worksheet.getRow(1);
  header.font = { bold: true };
  header.commit();
  for await (const row of rows) worksheet.addRow(columns.map((c) => xlsxCell(c.kind, c.value(row)))).commit();
  worksheet.commit();
  await workbook.commit();
}

/** Flattens Kysely's chunked stream into rows. */
export async function* rowsOf<Row>(stream: AsyncIterable<Row>): AsyncIterable<Row> {
  for await (const row of stream) yield row;
}

/** A JSON array streamed row by row, each row an object of the columns (the same as the CSV). */
export async function streamJson<Row>(
  res: Response,
  columns: Column<Row>[],
  all: AsyncIterable<Row>,
): Promise<void> {
  return bounded(res, all, (rows) => writeJson(res, columns, rows));
}

async function writeJson<Row>(
  res: Response,
  columns: Column<Row>[],
  rows: AsyncIterable<Row>,
): Promise<void> {
  res.set('Content-Type', 'application/json; charset=utf-8');
  async function* chunks() {
    let first = true;
    yield '[';
    for await (const row of rows) {
      yield `${first ? '\n' : ',\n'}${JSON.stringify(Object.fromEntries(columns.map((c) => [c.header, c.value(row)])))}`;
      first = false;
    }
    yield '\n]\n';
  }
  await pipeline(Readable.from(chunks()), res);
}

/** An array as the async rows the streaming writers take. */
export async function* toAsync<T>(items: T[]): AsyncIterable<T> {
  yield* items;
}
