// A benchmark client, run in its own process (Node, Bun or Deno) so that its CPU time is its
// own: it connects, counts `update` events, and from the first event to the N-th measures
// wall time and process CPU time (process.cpuUsage), then prints one JSON line and exits.
import process from 'node:process';

export function run(start) {
  const N = Number(process.env.BENCH_N);
  let n = 0, t0 = 0, c0, last = 0;
  const report = (extra) => {
    const c = process.cpuUsage(c0);
    console.log(JSON.stringify({ events: n - 1, ms: last - t0, cpuMs: (c.user + c.system) / 1000, ...extra }));
    process.exit(0);
  };
  const timer = setTimeout(() => {
    console.log(JSON.stringify({ error: `timeout after ${n} events` }));
    process.exit(0);
  }, Number(process.env.BENCH_TIMEOUT_MS ?? 60000));
  // A client that loses events never reaches N: once nothing has come for a second, report
  // what arrived (CPU and time up to the last event) and how many were lost.
  const idle = setInterval(() => {
    if (n > 1 && performance.now() - last > 1000) report({ lost: N - n });
  }, 250);
  const onUpdate = () => {
    last = performance.now();
    if (n++ === 0) {
      t0 = last;
      c0 = process.cpuUsage();
      return;
    }
    if (n === N) {
      clearTimeout(timer);
      clearInterval(idle);
      report();
    }
  };
  Promise.resolve(start(onUpdate, process.env)).then(
    () => console.log('ready'),
    (err) => {
      console.log(JSON.stringify({ error: String(err?.stack ?? err).split('\n').slice(0, 3).join(' | ') }));
      process.exit(0);
    },
  );
}
