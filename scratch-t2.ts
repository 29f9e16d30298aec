import { readFileSync } from 'node:fs';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { openTable } from './src/uploads/read.ts';
import { withinBudget } from './src/uploads/budget.ts';
const headerLine = readFileSync('test/fixtures/hostile/blank-lines.csv', 'utf8').split('\n')[0]!;
const huge = Buffer.concat([Buffer.from(`${headerLine}\n`), Buffer.alloc(10 * 1024 * 1024 - 400, '\n')]);
const h = monitorEventLoopDelay({ resolution: 10 }); h.enable();
const started = Date.now();
try {
  const t = await openTable(huge, { xlsxMaxEntries: 500, xlsxMaxUncompressedBytes: 200 * 1024 * 1024 });
  console.log('opened', Date.now() - started);
  let n = 0;
  for await (const r of withinBudget(t.rows, { maxRows: 100000, maxMs: 60000 })) n++;
} catch (e) { console.log('ERR', (e as Error).message); }
console.log('ms', Date.now() - started, 'max lag ms', h.max / 1e6);
