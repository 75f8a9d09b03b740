/**
 * A simulated backfill, on a simulated clock: request chains take pages through the connector's
 * real rate budget, cross a network whose one-way delays are drawn from a seeded generator, and
 * reach a server that counts them at ARRIVAL (the sandbox's own sliding-window limiter). Nothing
 * waits for real time, so a test can run hundreds of requests in milliseconds and get the same
 * answer on a loaded machine, and a model script can run thousands of backfills.
 */
import type { Clock } from '../../src/hyros/clock.js';
import type { Grant, Rate } from '../../src/hyros/rate-budget.js';
import { mulberry32 } from './prng.js';
import { RateLimiter as ServerWindows } from './ratelimit.js';

interface Timer {
  atMs: number;
  order: number;
  callback: () => void;
}

/** A clock whose time moves only from one timer to the next. */
export class SimClock implements Clock {
  private nowMs: number;
  private order = 0;
  private readonly timers = new Set<Timer>();

  constructor(startMs: number) {
    this.nowMs = startMs;
  }

  now(): number {
    return this.nowMs;
  }

  setTimeout(callback: () => void, ms: number): unknown {
    const timer = { atMs: this.nowMs + Math.max(0, ms), order: this.order++, callback };
    this.timers.add(timer);
    return timer;
  }

  clearTimeout(handle: unknown): void {
    this.timers.delete(handle as Timer);
  }

  sleep(ms: number): Promise<void> {
    return new Promise((resolve) => this.setTimeout(resolve, ms));
  }

  /** Runs timers in time order, letting every promise settle in between, until none is left. */
  run(): Promise<void> {
    return this.advance(Number.POSITIVE_INFINITY);
  }

  /** Runs the timers due within `ms` in time order, letting every promise settle in between; then moves to that time. */
  async advance(ms: number): Promise<void> {
    const untilMs = this.nowMs + ms;
    await settle();
    for (;;) {
      let next: Timer | undefined;
      for (const timer of this.timers) if (next === undefined || timer.atMs < next.atMs || (timer.atMs === next.atMs && timer.order < next.order)) next = timer;
      if (next === undefined || next.atMs > untilMs) break;
      this.timers.delete(next);
      this.nowMs = Math.max(this.nowMs, next.atMs);
      next.callback();
      await settle();
    }
    if (Number.isFinite(untilMs)) this.nowMs = Math.max(this.nowMs, untilMs);
  }
}

/** Lets every pending promise callback run (a macrotask comes after all microtasks). */
const settle = () => new Promise<void>((resolve) => setImmediate(resolve));

/** One way of a network: a delay in ms from a uniform draw in [0, 1). */
export interface Network {
  /** Write to arrival at the server. */
  wayIn(draw: number): number;
  /** The server's work, then the way back to the answer's headers. */
  wayOut(draw: number): number;
  /** From the headers to the end of the body. */
  body(draw: number): number;
}

/** The sandbox's jitter model: 200 ms ± 50 % round trips, half on the way in. */
export const JITTERED: Network = { wayIn: (d) => 50 + 100 * d, wayOut: (d) => 50 + 100 * d, body: () => 0 };

/** The delay proxy's model: each piece 20–100 ms, 150 ms of server work, a body of several pieces. */
export const PIECES: Network = { wayIn: (d) => 20 + 80 * d, wayOut: (d) => 150 + 20 + 80 * d, body: (d) => 30 * d };

export interface BackfillOptions {
  pages: number;
  chains: number;
  /** What the server enforces (and the budget is told). */
  rates: Rate[];
  network: Network;
  seed: number;
  budget: (clock: Clock) => { acquire(): Promise<Grant>; update(grant: Grant, answer: { status: number | undefined; headers: Headers | undefined }): number | undefined };
  /** Called at every arrival at the server. */
  onArrival?: (grant: Grant, atMs: number, allowed: boolean) => void;
  /** Event-loop time from a grant to the write (default 0–2 ms). */
  writeMs?: (draw: number) => number;
}

export interface BackfillResult {
  /** From the first grant to the last answer. */
  wallMs: number;
  tooMany: number;
  requests: number;
}

const START_MS = Date.parse('2026-01-01T00:00:00Z');

export async function simulateBackfill(options: BackfillOptions): Promise<BackfillResult> {
  const clock = new SimClock(START_MS);
  const random = mulberry32(options.seed);
  const budget = options.budget(clock);
  const [second, minute] = [options.rates[0] as Rate, options.rates[1] as Rate];
  const server = new ServerWindows({ perSecond: second.limit, perMinute: minute?.limit ?? Number.POSITIVE_INFINITY });
  const writeMs = options.writeMs ?? ((d: number) => 2 * d);
  let pagesLeft = options.pages;
  let tooMany = 0;
  let requests = 0;
  let lastAnswerMs = START_MS;

  const chain = async () => {
    while (pagesLeft > 0) {
      pagesLeft--;
      for (;;) {
        const grant = await budget.acquire();
        requests++;
        await clock.sleep(writeMs(random()));
        grant.written(clock.now());
        await clock.sleep(options.network.wayIn(random()));
        const decision = server.check(clock.now());
        options.onArrival?.(grant, clock.now(), decision.allowed);
        await clock.sleep(options.network.wayOut(random()));
        grant.answered(clock.now());
        const headers = new Headers(decision.headers);
        if (!decision.allowed) {
          tooMany++;
          grant.done();
          const waitMs = budget.update(grant, { status: 429, headers }) ?? 1000;
          await clock.sleep(waitMs + random() * Math.min(1000, 250 + waitMs * 0.1));
          continue;
        }
        await clock.sleep(options.network.body(random()));
        grant.done();
        budget.update(grant, { status: 200, headers });
        lastAnswerMs = clock.now();
        break;
      }
    }
  };
  const chains = Array.from({ length: options.chains }, () => chain());
  await clock.run();
  await Promise.all(chains);
  return { wallMs: lastAnswerMs - START_MS, tooMany, requests };
}
