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
  return openCsv(file);
}

// ---- CSV ----

/**
 * The file in pieces for the parser, without copying it. csv-parse turns each piece it is given into
 * records at once, so the whole file in one piece would hold every parsed row in memory; pieces let
 * back-pressure keep it to a few. UTF-8 (with or without BOM) goes as the bytes it is; anything else is
 * Excel's Windows "CSV", Windows-1252, decoded first.
 */
function* piecesOf(file: Buffer, size = 64 * 1024): Generator<Buffer | string> {
  if (isUtf8(file)) {
    for (let start = 0; start < file.length; start += size) yield file.subarray(start, start + size);
    return;
  }
  const text = new TextDecoder('windows-1252').decode(file);
  for (let start = 0; start < text.length; start += size) yield text.slice(start, start + size);
}

/** Comma or semicolon (Excel in many European locales), whichever the header row uses more. */
function delimiterOf(file: Buffer): string {
  const head = file.subarray(0, 64 * 1024).toString('latin1');
  const firstLine = head.slice(0, head.search(/\r?\n|$/));
  const count = (c: string) => firstLine.split(c).length - 1;
  return count(';') > count(',') ? ';' : ',';
}

async function openCsv(file: Buffer): Promise<Table> {
  const parser = Readable.from(piecesOf(file)).pipe(
    parse({ delimiter: delimiterOf(file), relax_column_count: true, bom: true, info: true }),
  );
  const iterator = (parser as AsyncIterable<{ record: string[]; info: { records: number } }>)[
    Symbol.asyncIterator
  ]();
  let first: IteratorResult<{ record: string[] }>;
  try {
    first = await iterator.next();
  } catch (error) {
    throw new UploadFileError(`The file could not be read as CSV: ${(error as Error).message}`);
  }
  if (first.done) throw new UploadFileError('The selected file is empty');
  async function* rows(): AsyncIterable<SheetRow> {
    try {
      for (let next = await iterator.next(); !next.done; next = await iterator.next())
        yield { number: next.value.info.records, cells: next.value.record };
    } catch (error) {
      throw new UploadFileError(`The file could not be read as CSV: ${(error as Error).message}`);
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
      stream.on('error', (error) => output.destroy(error instanceof UploadFileError ? error : tooBig()));
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
  const { default: ExcelJS } = await import('exceljs');
  const reader = new ExcelJS.stream.xlsx.WorkbookReader(reordered(zip, entries, limits), {
    sharedStrings: 'cache',
    styles: 'cache',
    hyperlinks: 'ignore',
    worksheets: 'emit',
  });
  const sheets = reader[Symbol.asyncIterator]();
  const sheet = await sheets.next().catch((error: Error) => {
    throw error instanceof UploadFileError ? error : new UploadFileError('The Excel file could not be read');
  });
  if (sheet.done) throw new UploadFileError('The Excel file has no worksheet');
  const rowIterator = (sheet.value as AsyncIterable<{ number: number; values: unknown[] }>)[
    Symbol.asyncIterator
  ]();
  const cellsOf = (values: unknown[]) => values.slice(1).map(excelValue);
  let first = await rowIterator.next();
  // Rows above the header that are wholly empty are skipped; the header is the first row with text.
  while (!first.done && cellsOf(first.value.values).every((c) => c === null || c === ''))
    first = await rowIterator.next();
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
      throw error instanceof UploadFileError
        ? error
        : new UploadFileError('The Excel file could not be read');
    }
  }
  return { kind: 'xlsx', header, rows: rows() };
}
