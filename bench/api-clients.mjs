/* global performance, fetch */
// The partner systems of the submission API bench, in their own process (as they would be), so their
// JSON and HTTP work does not share the server's event loop: N complete deaths, C at a time, each with
// its own Idempotency-Key. Prints {ms, latencies, errors} as JSON.
import { death } from './api-death.mjs';

const [base, key, n, width] = [
  process.argv[2],
  process.argv[3],
  Number(process.argv[4]),
  Number(process.argv[5]),
];

const latencies = [];
let errors = 0;
let next = 0;
const t0 = performance.now();
await Promise.all(
  Array.from({ length: width }, async () => {
    while (next < n) {
      const i = next++;
      const started = performance.now();
      const response = await fetch(`${base}/returns/2026-03/records`, {
        method: 'POST',
        headers: {
          authorization: `Bearer ${key}`,
          'content-type': 'application/json',
          'idempotency-key': `bench-${i}`,
        },
        body: JSON.stringify(death(`API-R${i}`, i)),
      });
      await response.arrayBuffer();
      if (response.status !== 201) errors += 1;
      latencies.push(performance.now() - started);
    }
  }),
);
process.stdout.write(JSON.stringify({ ms: performance.now() - t0, latencies, errors }));
