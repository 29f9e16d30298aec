// What reading a spreadsheet gives (lib/spreadsheet.ts for CSV, lib/xlsx.ts for Excel): a header and
// rows of cells, the limits the reading keeps to, and the one kind of error it reports.
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
