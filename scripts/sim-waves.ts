/**
 * The model behind the read's 60 ms wave margin (src/hyros/limiter.ts): how often a backfill of
 * 255 requests draws at least one 429 from a server that counts 30 arrivals per sliding second,
 * when each request's one-way delay is uniform over 50–150 ms (200 ms ± 50 % round trips, as the
 * sandbox's latencyJitter 0.5), for requests sent in waves of 15 (two per window: at k·P and
 * k·P + 300 ms, P = 1 s + margin) and for requests sent one by one, evenly (30 per P).
 *
 *   node dist/scripts/sim-waves.js [trials per cell, default 2000]
 *
 * Second table: waves that break into smaller groups (a slow network's stragglers, a hold that
 * expired: 15/6/9 or 10/10/10 a window, each group's slots reused by a group of its size a window
 * plus its margin later), all groups at one margin, or by group size as the limiter does
 * (src/hyros/second-window.ts: a full wave 60 ms, 5 or more 80 ms, fewer 100 ms); delays 50–150 ms
 * (the jitter model) and 20–100 ms (the bench's per-piece network model).
 *
 * A model, not a measurement: the sandbox bench (`npm run bench`, sections 1 and 7) is the measurement.
 */
const trials = Number(process.argv[2] ?? 2000);
const REQUESTS = 255;
const PER_SECOND = 30;

/** Send times of one backfill at margin `marginMs`. */
function sendTimes(marginMs: number, waves: boolean): number[] {
  const period = 1000 + marginMs;
  const sends: number[] = [];
  for (let i = 0; i < REQUESTS; i++) {
    const window = Math.floor(i / PER_SECOND);
    const inWindow = i % PER_SECOND;
    // Waves: the first 15 of a window together, the next 15 together 300 ms later (a few ms of spread).
    const offset = waves ? (inWindow < PER_SECOND / 2 ? 0 : 300) + Math.random() * 3 : (inWindow * period) / PER_SECOND;
    sends.push(window * period + offset);
  }
  return sends;
}

/** Whether the server, admitting at most 30 arrivals in any second, answers any request 429. */
function draws429(sends: number[]): boolean {
  const arrivals = sends.map((s) => s + 50 + 100 * Math.random()).sort((a, b) => a - b);
  const admitted: number[] = [];
  for (const at of arrivals) {
    let inWindow = 0;
    for (let j = admitted.length - 1; j >= 0 && (admitted[j] as number) > at - 1000; j--) inWindow++;
    if (inWindow >= PER_SECOND) return true;
    admitted.push(at);
  }
  return false;
}

process.stdout.write(`share of ${REQUESTS}-request backfills with at least one 429 (${trials} trials each)\n`);
process.stdout.write('margin   waves of 15   one by one\n');
for (const marginMs of [40, 50, 60, 80, 100]) {
  const rate = (waves: boolean) => {
    let hits = 0;
    for (let t = 0; t < trials; t++) if (draws429(sendTimes(marginMs, waves))) hits++;
    return `${((hits / trials) * 100).toFixed(2)} %`.padStart(11);
  };
  process.stdout.write(`${String(marginMs).padStart(4)} ms  ${rate(true)}  ${rate(false)}\n`);
}

/** Send times when each window's 30 requests leave as `sizes` groups 150 ms apart, a group's slots reused after 1 s + its margin. */
function groupSends(sizes: number[], margins: number[]): number[] {
  const sends: number[] = [];
  const next = sizes.map((_, g) => g * 150);
  for (let window = 0; sends.length < REQUESTS; window++) {
    sizes.forEach((size, g) => {
      for (let i = 0; i < size && sends.length < REQUESTS; i++) sends.push((next[g] as number) + Math.random() * 3);
      next[g] = (next[g] as number) + 1000 + (margins[g] as number);
    });
  }
  return sends;
}

/** Whether 31 arrivals fall in some second, one-way delays uniform over [lo, hi]. */
function groups429(sends: number[], lo: number, hi: number): boolean {
  const arrivals = sends.map((s) => s + lo + (hi - lo) * Math.random()).sort((a, b) => a - b);
  for (let i = PER_SECOND; i < arrivals.length; i++) if ((arrivals[i] as number) - (arrivals[i - PER_SECOND] as number) < 1000) return true;
  return false;
}

process.stdout.write('\ngroups a window    delays       all 60 ms   all 80 ms   by group size (60/80/100)\n');
const bySize = (n: number) => (n >= 12 ? 60 : n >= 5 ? 80 : 100);
for (const [lo, hi] of [[50, 150], [20, 100]] as const) {
  for (const sizes of [[15, 15], [15, 6, 9], [10, 10, 10], [6, 6, 6, 6, 6], [15, 3, 3, 3, 3, 3]]) {
    const rate = (margin: (n: number) => number) => {
      let hits = 0;
      for (let t = 0; t < trials; t++) if (groups429(groupSends(sizes, sizes.map(margin)), lo, hi)) hits++;
      return `${((hits / trials) * 100).toFixed(2)} %`.padStart(10);
    };
    process.stdout.write(`${sizes.join('/').padEnd(18)} ${`${lo}–${hi} ms`.padEnd(11)} ${rate(() => 60)}  ${rate(() => 80)}  ${rate(bySize)}\n`);
  }
}
