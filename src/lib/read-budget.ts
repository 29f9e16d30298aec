// What one upload may cost the server. Any file is treated as hostile: every row read counts against
// the row limit (blank and skipped rows too), the check gives the event loop back between batches so
// other users are served while it runs, and it stops with a clear message when it runs out of time or
// the process runs short of memory. A reader that stalls (a damaged workbook) meets the same deadline.
import { getHeapStatistics } from 'node:v8';
import { tooManyRows, UploadFileError, type SheetRow } from './spreadsheet.js';

export interface BudgetLimits {
  maxRows: number;
  maxMs: number;
  /** Stop when the heap is fuller than this share of its limit. */
  heapShare?: number;
}

const YIELD_EVERY = 500;

const yieldToEventLoop = () => new Promise<void>((resolve) => setImmediate(resolve));

const outOfTime = () =>
  new UploadFileError('The file took too long to check; split it into smaller files or save it as CSV');
const outOfMemory = () =>
  new UploadFileError('The file is too large to check at the moment; split it into smaller files');

/** Opening a file (reading its header) meets the same deadline as its rows. */
export async function beforeDeadline<T>(work: Promise<T>, maxMs: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  // If the deadline wins, the reader's own later failure is no longer anyone's concern.
  work.catch(() => undefined);
  return Promise.race([
    work,
    new Promise<never>((_, reject) => (timer = setTimeout(() => reject(outOfTime()), maxMs))),
  ]).finally(() => clearTimeout(timer));
}

/** The rows of a file, stopped at the row limit, the deadline or a memory shortage. */
export async function* withinBudget(
  rows: AsyncIterable<SheetRow>,
  limits: BudgetLimits,
): AsyncGenerator<SheetRow> {
  const heapLimit = getHeapStatistics().heap_size_limit * (limits.heapShare ?? 0.85);
  const iterator = rows[Symbol.asyncIterator]();
  // One deadline for the whole file, raced by every read: a reader that stalls is stopped with it. (A
  // timer a row cost more than reading the row.)
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(outOfTime()), limits.maxMs);
  });
  deadline.catch(() => undefined);
  let count = 0;
  try {
    for (;;) {
      const next = await Promise.race([iterator.next(), deadline]);
      if (next.done) return;
      count += 1;
      if (count > limits.maxRows) throw tooManyRows(limits.maxRows);
      if (count % YIELD_EVERY === 0) {
        await Promise.race([yieldToEventLoop(), deadline]);
        if (process.memoryUsage().heapUsed > heapLimit) throw outOfMemory();
      }
      yield next.value;
    }
  } finally {
    clearTimeout(timer);
    // Stop the reader too (it may still hold a stream); its own errors no longer matter.
    void Promise.resolve(iterator.return?.()).catch(() => undefined);
  }
}
