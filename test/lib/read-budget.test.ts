// The budget every upload is checked within: rows, time, memory, and how many at once.
import { describe, expect, it, jest } from '@jest/globals';
import { withinBudget } from '../../src/lib/read-budget.js';
import { Gate } from '../../src/lib/gate.js';
import type { SheetRow } from '../../src/lib/spreadsheet.js';

async function* rows(n: number): AsyncGenerator<SheetRow> {
  for (let i = 0; i < n; i += 1) yield { number: i + 2, cells: [] };
}

async function drain(source: AsyncIterable<SheetRow>): Promise<string> {
  let n = 0;
  try {
    for await (const row of source) if (row) n += 1;
    return `read ${n}`;
  } catch (error) {
    return (error as Error).message;
  }
}

describe('an upload budget', () => {
  it('when a file has more rows than allowed, blank ones included, then it stops with the limit', async () => {
    expect(await drain(withinBudget(rows(1001), { maxRows: 1000, maxMs: 10_000 }))).toContain(
      'more than 1,000 rows',
    );
    expect(await drain(withinBudget(rows(1000), { maxRows: 1000, maxMs: 10_000 }))).toBe('read 1000');
  });

  it('when the reader stalls then the deadline ends it with a message', async () => {
    const stalled: AsyncIterable<SheetRow> = {
      [Symbol.asyncIterator]: () => ({ next: () => new Promise<IteratorResult<SheetRow>>(() => {}) }),
    };
    // The clock is the test's: the deadline ends the read when 200 ms have passed, however busy the machine.
    jest.useFakeTimers();
    try {
      let outcome: string | undefined;
      const reading = drain(withinBudget(stalled, { maxRows: 10, maxMs: 200 })).then((o) => (outcome = o));
      await jest.advanceTimersByTimeAsync(199);
      expect(outcome).toBeUndefined();
      await jest.advanceTimersByTimeAsync(1);
      await reading;
      expect(outcome).toContain('took too long to check');
    } finally {
      jest.useRealTimers();
    }
  });

  it('when the process is short of memory then the check stops with a message', async () => {
    const message = await drain(
      withinBudget(rows(5_000), { maxRows: 10_000, maxMs: 10_000, heapShare: 0.000001 }),
    );
    expect(message).toContain('too large to check at the moment');
  });

  it('when more uploads arrive than may be checked at once then the extra one waits, and is refused with a message if it waits too long', async () => {
    const gate = new Gate(1, 50);
    let release!: () => void;
    const first = gate.run(() => new Promise<string>((resolve) => (release = () => resolve('first done'))));
    const second = gate.run(async () => 'second done').catch((e: Error) => e.message);
    expect(await second).toContain('Other files are being checked');
    const third = gate.run(async () => 'third done');
    release();
    expect(await first).toBe('first done');
    expect(await third).toBe('third done');
  });
});
