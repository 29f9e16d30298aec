// Reading an uploaded spreadsheet into rows of cells, from memory (the file is never written to disk):
// the type is sniffed from the bytes, CSV is decoded (UTF-8 with or without BOM, else Windows-1252) and
// parsed by csv-parse, XLSX is checked against zip bombs and streamed through exceljs.
import { parse } from 'csv-parse';
import { fileTypeFromBuffer } from 'file-type';
import { isUtf8 } from 'node:buffer';
import { PassThrough, Readable } from 'node:stream';
import yauzl from 'yauzl';
import yazl from 'yazl';

export type Cell = string | number | boolean | Date | null;
export interface SheetRow {
  /** The row number a spreadsheet shows (the header is row 1). */
  number: number;
  cells: Cell[];
}
export interface Table {
  kind: 'csv' | 'xlsx';
  header: string[];
  rows: AsyncIterable<SheetRow>;
}

export interface ReadLimits {
  xlsxMaxEntries: number;
  xlsxMaxUncompressedBytes: number;
  /** Take a quotation mark inside an unquoted cell as text (CCSU's files), rather than refuse the file. */
  relaxQuotes?: boolean;
  /** Rows of a CSV read at most (header and blank lines included), counted before they are parsed. */
  maxLines?: number;
}

export function tooManyRows(maxRows: number): UploadFileError {
  return new UploadFileError(
    `The file has more than ${maxRows.toLocaleString('en-GB')} rows (blank rows count too); split it into smaller files`,
  );
}

/** A problem with the file as a whole: shown next to the file input. */
export class UploadFileError extends Error {}

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

// ---- XLSX ----

function openZip(file: Buffer): Promise<yauzl.ZipFile> {
  return new Promise((resolve, reject) =>
    yauzl.fromBuffer(file, { lazyEntries: true, validateEntrySizes: true }, (error, zip) =>
      error ? reject(new UploadFileError('The Excel file is damaged and could not be opened')) : resolve(zip),
    ),
  );
}

async function entriesOf(zip: yauzl.ZipFile, limits: ReadLimits): Promise<yauzl.Entry[]> {
  if (zip.entryCount > limits.xlsxMaxEntries)
    throw new UploadFileError(
      `The Excel file has too many parts (${zip.entryCount}); it cannot be a template`,
    );
  const entries: yauzl.Entry[] = [];
  let declared = 0;
  await new Promise<void>((resolve, reject) => {
    zip.on('entry', (entry: yauzl.Entry) => {
      declared += entry.uncompressedSize;
      if (declared > limits.xlsxMaxUncompressedBytes) {
        zip.close();
        reject(tooBig());
        return;
      }
      entries.push(entry);
      zip.readEntry();
    });
    zip.on('end', () => resolve());
    zip.on('error', () => reject(new UploadFileError('The Excel file is damaged and could not be opened')));
    zip.readEntry();
  });
  return entries;
}

const damaged = () => new UploadFileError('The Excel file could not be read');

/**
 * Reads every part once before exceljs sees the workbook: each part's real unpacked size is counted
 * (a part that understates its size is an error here, not an unhandled stream error later), and a part
 * that declares a DOCTYPE or entities (how XML bombs begin) refuses the file.
 */
async function checkParts(zip: yauzl.ZipFile, entries: yauzl.Entry[], limits: ReadLimits): Promise<void> {
  let total = 0;
  for (const entry of entries) {
    if (entry.fileName.endsWith('/')) continue;
    await new Promise<void>((resolve, reject) => {
      zip.openReadStream(entry, (error, stream) => {
        if (error) return reject(damaged());
        let head = '';
        stream.on('data', (chunk: Buffer) => {
          total += chunk.length;
          if (total > limits.xlsxMaxUncompressedBytes) return stream.destroy(tooBig());
          if (head.length < 4096) {
            head += chunk.subarray(0, 4096).toString('latin1');
            if (/<!DOCTYPE|<!ENTITY/i.test(head)) stream.destroy(damaged());
          }
        });
        stream.on('error', (e) => reject(e instanceof UploadFileError ? e : tooBig()));
        stream.on('end', () => resolve());
      });
    });
  }
}

const tooBig = () =>
  new UploadFileError(
    'The Excel file unpacks to more than the size allowed; save the records as CSV instead',
  );

/**
 * Re-packs the workbook with the shared strings and styles first, so exceljs can stream the sheet in one
 * pass without spilling it to a temporary file; yauzl checks each part's real size as it is read.
 */
function reordered(zip: yauzl.ZipFile, entries: yauzl.Entry[], limits: ReadLimits): Readable {
  const rank = (name: string) =>
    /sharedStrings|styles|workbook|_rels|Content_Types/.test(name) ? 0 : name.includes('worksheets') ? 2 : 1;
  const ordered = [...entries].sort((a, b) => rank(a.fileName) - rank(b.fileName));
  const out = new yazl.ZipFile();
  const output = new PassThrough();
  out.outputStream.on('error', (error: Error) => output.destroy(error));
  out.outputStream.pipe(output);
  let total = 0;
  (async () => {
    for (const entry of ordered) {
      if (entry.fileName.endsWith('/')) continue;
      const stream = await new Promise<Readable>((resolve, reject) =>
        zip.openReadStream(entry, (error, s) => (error ? reject(error) : resolve(s))),
      );
      const counted = new PassThrough();
      stream.on('data', (chunk: Buffer) => {
        total += chunk.length;
        if (total > limits.xlsxMaxUncompressedBytes) stream.destroy(tooBig());
      });
      // Every stream has a listener: an 'error' with none would end the process.
      const fail = (error: unknown) => output.destroy(error instanceof UploadFileError ? error : tooBig());
      stream.on('error', fail);
      counted.on('error', fail);
      stream.pipe(counted);
      out.addReadStream(counted, entry.fileName, { compress: false });
    }
    out.end();
  })().catch((error: Error) => output.destroy(error));
  return output;
}

function excelValue(value: unknown): Cell {
  if (value === null || value === undefined) return null;
  if (typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean') return value;
  if (value instanceof Date) return value;
  const v = value as {
    richText?: { text: string }[];
    result?: unknown;
    formula?: string;
    text?: unknown;
    error?: string;
  };
  if (v.richText) return v.richText.map((part) => part.text).join('');
  if ('result' in v || v.formula) return excelValue(v.result);
  if (v.text !== undefined) return excelValue(v.text);
  if (v.error) return v.error;
  return String(value);
}

async function openXlsx(file: Buffer, limits: ReadLimits): Promise<Table> {
  const zip = await openZip(file);
  const entries = await entriesOf(zip, limits);
  if (!entries.some((e) => /^xl\/worksheets\/.+\.xml$/.test(e.fileName)))
    throw new UploadFileError('The Excel file has no worksheet');
  await checkParts(zip, entries, limits);
  const { default: ExcelJS } = await import('exceljs');
  const reader = new ExcelJS.stream.xlsx.WorkbookReader(reordered(zip, entries, limits), {
    sharedStrings: 'cache',
    styles: 'cache',
    hyperlinks: 'ignore',
    worksheets: 'emit',
  });
  const sheets = reader[Symbol.asyncIterator]();
  const sheet = await sheets.next().catch((error: unknown) => {
    throw error instanceof UploadFileError ? error : damaged();
  });
  if (sheet.done) throw new UploadFileError('The Excel file has no worksheet');
  const rowIterator = (sheet.value as AsyncIterable<{ number: number; values: unknown[] }>)[
    Symbol.asyncIterator
  ]();
  const cellsOf = (values: unknown[]) => values.slice(1).map(excelValue);
  const readRow = () =>
    rowIterator.next().catch((error: unknown) => {
      throw error instanceof UploadFileError ? error : damaged();
    });
  let first = await readRow();
  // Rows above the header that are wholly empty are skipped; the header is the first row with text.
  for (let skipped = 0; !first.done && cellsOf(first.value.values).every((c) => c === null || c === '');) {
    if ((skipped += 1) > 1000)
      throw new UploadFileError('The file has no header row in its first 1,000 rows');
    first = await readRow();
  }
  if (first.done) throw new UploadFileError('The selected file is empty');
  const header = cellsOf(first.value.values).map((c) => (c === null ? '' : String(c)));
  async function* rows(): AsyncIterable<SheetRow> {
    try {
      for (let next = await rowIterator.next(); !next.done; next = await rowIterator.next())
        yield { number: next.value.number, cells: cellsOf(next.value.values) };
      // The rest of the workbook (other sheets, such as the allowed values) is read and discarded.
      for (let more = await sheets.next(); !more.done; more = await sheets.next())
        for await (const ignored of more.value as AsyncIterable<unknown>) void ignored;
    } catch (error) {
      throw error instanceof UploadFileError ? error : damaged();
    }
  }
  return { kind: 'xlsx', header, rows: rows() };
}
