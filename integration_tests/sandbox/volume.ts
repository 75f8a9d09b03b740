/**
 * How creation times spread over the data range. `even`: uniform over every second (the default,
 * what the tests were written against). `launches`: the uneven volume of a real account, where
 * sales come in launches: weekends empty, weekdays varying around a median day, a few launch days
 * holding 20× a median day, and some seconds holding dozens of records (a checkout burst).
 * Deterministic: the day profile has its own PRNG stream (seed, account, `volume`), and the times
 * themselves come from the stream's PRNG, as with `even`.
 */
import { Rng } from './prng.js';

export type Volume = 'even' | 'launches';

const DAY = 86_400_000;
/** A launch day holds this many median days. */
export const LAUNCH_FACTOR = 20;
/** Share of weekdays that are launch days (at least one per range). */
const LAUNCH_SHARE = 0.06;
/** Share of records that land on one of their day's burst seconds. */
const BURST_SHARE = 0.08;
/** Burst seconds per non-empty day. */
const BURSTS_PER_DAY = 3;

interface DayProfile {
  /** Per day (cut by the range): its first instant and how many seconds of it lie in the range. */
  starts: number[];
  seconds: number[];
  /** Cumulative weights, the last one the total. */
  cumulative: number[];
  /** Per day, its burst seconds (ms). */
  bursts: number[][];
}

/** Weekends empty (account-local days), weekdays lognormal around 1, launch days LAUNCH_FACTOR. */
export function dayProfile(seedParts: Array<string | number>, start: number, end: number, offsetMin: number): DayProfile {
  const rng = Rng.derive(...seedParts, 'volume');
  const off = offsetMin * 60_000;
  const starts: number[] = [];
  const weights: number[] = [];
  for (let day = Math.floor((start + off) / DAY) * DAY - off; day < end && starts.length < 100_000; day += DAY) starts.push(day);
  let launches = 0;
  let firstWeekday = -1;
  for (let i = 0; i < starts.length; i++) {
    const weekday = new Date((starts[i] as number) + off).getUTCDay();
    // Box–Muller: a weekday's volume varies by a factor of about 1.6 around the median.
    const normal = Math.sqrt(-2 * Math.log(1 - rng.float())) * Math.cos(2 * Math.PI * rng.float());
    const launch = rng.bool(LAUNCH_SHARE);
    if (weekday === 0 || weekday === 6) {
      weights.push(0);
      continue;
    }
    if (firstWeekday === -1) firstWeekday = i;
    if (launch) launches++;
    weights.push(launch ? LAUNCH_FACTOR : Math.exp(0.45 * normal));
  }
  // Every range with a weekday has a launch (the case this profile exists for): the middle weekday.
  if (launches === 0 && firstWeekday !== -1) {
    const weekdays = weights.flatMap((w, i) => (w > 0 ? [i] : []));
    weights[weekdays[Math.floor(weekdays.length / 2)] as number] = LAUNCH_FACTOR;
  }
  if (!weights.some((w) => w > 0)) weights.fill(1);
  // The first and last days are cut by the range: they weigh (and hold seconds) only inside it.
  const spans = starts.map((dayStart) => {
    const from = Math.max(start, dayStart);
    return { from, seconds: Math.max(0, Math.floor((Math.min(end, dayStart + DAY) - from) / 1000)) };
  });
  const cumulative: number[] = [];
  let total = 0;
  weights.forEach((w, i) => cumulative.push((total += (w * (spans[i] as { seconds: number }).seconds) / 86_400)));
  // Bursts scale with the day's volume, so each holds a few dozen records whatever the day.
  const bursts = spans.map(({ from, seconds }, i) =>
    Array.from({ length: Math.max(1, Math.ceil(BURSTS_PER_DAY * (weights[i] as number))) }, () => from + rng.int(0, Math.max(0, seconds - 1)) * 1000));
  return { starts: spans.map((s) => s.from), seconds: spans.map((s) => s.seconds), cumulative, bursts };
}

/** `n` creation times (whole seconds in [start, end)), drawn from `rng` following `volume`. */
export function spreadTimes(rng: Rng, n: number, start: number, end: number, volume: Volume = 'even', profile?: () => DayProfile): number[] {
  const times: number[] = [];
  if (volume === 'even' || !profile) {
    const span = Math.max(1, Math.floor((end - start) / 1000));
    for (let i = 0; i < n; i++) times.push(start + Math.floor(rng.float() * span) * 1000);
    return times;
  }
  const { starts, seconds, cumulative, bursts } = profile();
  const total = cumulative[cumulative.length - 1] as number;
  for (let i = 0; i < n; i++) {
    const x = rng.float() * total;
    let lo = 0;
    let hi = cumulative.length - 1;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if ((cumulative[mid] as number) > x) hi = mid;
      else lo = mid + 1;
    }
    times.push(rng.bool(BURST_SHARE) ? rng.pick(bursts[lo] as number[]) : (starts[lo] as number) + rng.int(0, Math.max(0, (seconds[lo] as number) - 1)) * 1000);
  }
  return times;
}
