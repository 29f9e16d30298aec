// An uploaded Excel (.xlsx) file, read from memory: the zip is checked against zip bombs (entries,
// real unpacked sizes) before exceljs sees it, then the first sheet is streamed row by row.
import { PassThrough, Readable } from 'node:stream';
import yauzl from 'yauzl';
import yazl from 'yazl';
import { UploadFileError, type Cell, type ReadLimits, type SheetRow, type Table } from './table.js';

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

export async function openXlsx(file: Buffer, limits: ReadLimits): Promise<Table> {
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
