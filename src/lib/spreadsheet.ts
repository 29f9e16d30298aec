// Reading an uploaded spreadsheet into rows of cells, from memory (the file is never written to disk):
// the type is sniffed from the bytes, CSV is decoded (UTF-8 with or without BOM, else Windows-1252) and
// parsed by csv-parse, XLSX is checked against zip bombs and streamed through exceljs.
import { parse } from 'csv-parse';
import { fileTypeFromBuffer } from 'file-type';
import { isUtf8 } from 'node:buffer';
import { Readable } from 'node:stream';
import {
  tooManyRows,
  UploadFileError,
  type Cell,
  type ReadLimits,
  type SheetRow,
  type Table,
} from './table.js';
import { openXlsx } from './xlsx.js';

export { tooManyRows, UploadFileError };
export type { Cell, ReadLimits, SheetRow, Table };

export async function openTable(file: Buffer, limits: ReadLimits): Promise<Table> {
  if (file.length === 0) throw new UploadFileError('The selected file is empty');
  const type = await fileTypeFromBuffer(file);
  if (type?.ext === 'xlsx') return openXlsx(file, limits);
  if (type?.ext === 'xls' || type?.ext === 'cfb')
    throw new UploadFileError('The selected file is an old Excel (.xls) file. Save it as .xlsx or CSV');
  if (type || file.subarray(0, 4096).includes(0))
    throw new UploadFileError(
      `The selected file must be a CSV or Excel (.xlsx) file${type ? `; it is a ${type.ext.toUpperCase()} file` : ''}`,
    );
  return openCsv(file, limits);
}

// ---- CSV ----

/**
 * The file in pieces for the parser, without copying it. csv-parse turns each piece it is given into
 * records at once, so the whole file in one piece would hold every parsed row in memory; pieces let
 * back-pressure keep it to a few. Small pieces also bound the time the parser holds the event loop: a
 * 4 KB piece of blank lines is 4,096 rows parsed in one go (tens of milliseconds), where 64 KB held
 * every other user's request for over a second. UTF-8 (with or without BOM) goes as the bytes it is; anything else is
 * Excel's Windows "CSV", Windows-1252, decoded first.
 */
function* piecesOf(file: Buffer, size = 4 * 1024): Generator<Buffer | string> {
  if (isUtf8(file)) {
    for (let start = 0; start < file.length; start += size) yield file.subarray(start, start + size);
    return;
  }
  const text = new TextDecoder('windows-1252').decode(file);
  for (let start = 0; start < text.length; start += size) yield text.slice(start, start + size);
}

/** No template has a hundredth of this; a row of millions of commas would be millions of cells in memory. */
export const MAX_CELLS_PER_ROW = 2_000;

/**
 * The pieces, checked before the parser sees them: refused as soon as one line holds more separators than
 * MAX_CELLS_PER_ROW (csv-parse's own size cap counts the characters of one cell, so a line of empty cells
 * would pass it), or the file has more lines than `maxLines`. Blank lines are counted here, because the
 * parser skips them: it would otherwise build (and drop) an error with a stack trace for each, a
 * thousand times the cost of the line. Separators and line breaks inside quotes count too; a real file
 * never comes near either limit that way.
 */
function* withinLineLimits(
  pieces: Iterable<Buffer | string>,
  delimiter: string,
  maxLines: number,
): Generator<Buffer | string> {
  const separator = delimiter.charCodeAt(0);
  let separators = 0;
  let lines = 1;
  for (const piece of pieces) {
    for (let i = 0; i < piece.length; i += 1) {
      const c = typeof piece === 'string' ? piece.charCodeAt(i) : piece[i];
      if (c === 10) {
        separators = 0;
        if ((lines += 1) > maxLines) throw tooManyRows(maxLines - 1);
      } else if (c === separator && (separators += 1) >= MAX_CELLS_PER_ROW) throw rowTooLong();
    }
    yield piece;
  }
}

const rowTooLong = () =>
  new UploadFileError(
    `The file could not be read as CSV: a row is far too long (more than ${MAX_CELLS_PER_ROW.toLocaleString('en-GB')} cells). Save it from Excel as CSV and try again`,
  );

/** Comma or semicolon (Excel in many European locales), whichever the header row uses more. */
function delimiterOf(file: Buffer): string {
  const head = file.subarray(0, 64 * 1024).toString('latin1');
  const firstLine = head.slice(0, head.search(/\r?\n|$/));
  const count = (c: string) => firstLine.split(c).length - 1;
  return count(';') > count(',') ? ';' : ',';
}

/**
 * csv-parse's own messages quote the cell they stopped at, which may hold an identifier: the message
 * says what kind of problem it is and on which line, never what the cell held.
 */
function csvError(error: unknown): UploadFileError {
  if (error instanceof UploadFileError) return error;
  const e = error as { code?: string; lines?: number };
  const where = typeof e.lines === 'number' ? ` near line ${e.lines}` : '';
  const what =
    e.code === 'CSV_QUOTE_NOT_CLOSED'
      ? 'a quotation mark (") is opened and never closed'
      : e.code === 'CSV_INVALID_CLOSING_QUOTE'
        ? 'a quotation mark (") is in the middle of a cell'
        : e.code === 'CSV_MAX_RECORD_SIZE'
          ? 'a row is far too long'
          : 'it is not laid out as comma-separated values';
  return new UploadFileError(
    `The file could not be read as CSV: ${what}${where}. Save it from Excel as CSV and try again`,
  );
}

async function openCsv(file: Buffer, limits: ReadLimits): Promise<Table> {
  const delimiter = delimiterOf(file);
  const parser = parse({
    delimiter,
    relax_column_count: true,
    bom: true,
    info: true,
    skip_empty_lines: true,
    relax_quotes: limits.relaxQuotes ?? false,
    // No cell in the template is anywhere near this long: a row this size is a broken or hostile file.
    max_record_size: 64 * 1024,
  });
  const source = Readable.from(
    withinLineLimits(piecesOf(file), delimiter, limits.maxLines ?? Number.POSITIVE_INFINITY),
  );
  // pipe() does not pass a source's error on: the parser must end with it, or its reader would wait.
  source.on('error', (error) => parser.destroy(error));
  source.pipe(parser);
  const iterator = (parser as AsyncIterable<{ record: string[]; info: { lines: number } }>)[
    Symbol.asyncIterator
  ]();
  let first: IteratorResult<{ record: string[] }>;
  try {
    first = await iterator.next();
  } catch (error) {
    throw csvError(error);
  }
  if (first.done) throw new UploadFileError('The selected file is empty');
  async function* rows(): AsyncIterable<SheetRow> {
    try {
      for (let next = await iterator.next(); !next.done; next = await iterator.next())
        yield { number: next.value.info.lines, cells: next.value.record };
    } catch (error) {
      throw csvError(error);
    }
  }
  return { kind: 'csv', header: first.value.record.map((h) => String(h)), rows: rows() };
}
