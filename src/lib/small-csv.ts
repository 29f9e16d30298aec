// A small CSV that CCSU loads (populations, LDIS alerts): read whole, checked before any row is used.
// Unreadable, wrongly headed, empty or over-long files get one plain message; nothing from a cell is
// repeated in it.
import { parse } from 'csv-parse/sync';

export type SmallCsv = { ok: true; header: string[]; body: string[][] } | { ok: false; problems: string[] };

export function readSmallCsv(
  buffer: Buffer,
  maxRows: number,
  headerProblem: (header: string[]) => string | undefined,
): SmallCsv {
  let records: string[][];
  try {
    records = parse(buffer, {
      bom: true,
      skip_empty_lines: true,
      trim: true,
      relax_column_count: true,
      relax_quotes: true,
      to: maxRows + 2,
    });
  } catch {
    return {
      ok: false,
      problems: [
        'The file is not a CSV file that can be read. Save it as CSV (comma separated) and try again',
      ],
    };
  }
  const [header = [], ...body] = records;
  const problem = headerProblem(header);
  if (problem) return { ok: false, problems: [problem] };
  if (body.length === 0) return { ok: false, problems: ['The file has no rows under its headings'] };
  if (body.length > maxRows) return { ok: false, problems: [`The file has more than ${maxRows} rows`] };
  return { ok: true, header, body };
}
