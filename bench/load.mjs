// The load generator, run in its own process so it does not share the server's event loop:
// node bench/load.mjs <url> <seconds> [cookie]. Prints autocannon's figures as one JSON line.
import autocannon from 'autocannon';

const [url, seconds, cookie] = process.argv.slice(2);
const result = await autocannon({
  url,
  connections: 50,
  duration: Number(seconds),
  headers: cookie ? { cookie } : {},
});
process.stdout.write(
  JSON.stringify({
    rps: result.requests.average,
    p99: result.latency.p99,
    errors: result.errors + result.non2xx,
    bytes: result.throughput.average,
  }) + '\n',
);
