/** RateBudget on a simulated clock: sliding windows, FIFO, margins from measured delays, server feedback, abort. */
import { describe, expect, it } from 'vitest';
import { RateBudget, type Grant, type Rate } from '../../src/hyros/rate-budget.js';
import { SimClock } from '../../integration_tests/sandbox/sim-network.js';

const T0 = Date.parse('2026-03-01T12:00:00.000Z');
const MINUTE = { limit: 1000, perMs: 60_000 };

function setup(rates: Rate[]) {
  const clock = new SimClock(T0);
  const budget = new RateBudget(rates, clock);
  const granted: Array<{ name: string; at: number; grant: Grant }> = [];
  /** Asks for a slot now, in this turn of the event loop; records when it is granted. */
  const ask = (name: string, signal?: AbortSignal) =>
    budget.acquire(signal).then((grant) => {
      granted.push({ name, at: clock.now() - T0, grant });
      return grant;
    });
  const at = () => granted.map((g) => g.at);
  return { clock, budget, granted, ask, at };
}

/** The sample standard deviation, computed here independently of the budget. */
function deviation(values: number[]): number {
  const mean = values.reduce((a, b) => a + b, 0) / values.length;
  return Math.sqrt(values.reduce((sum, v) => sum + (v - mean) ** 2, 0) / (values.length - 1));
}

describe('RateBudget: sliding windows', () => {
  it('uses the burst allowance, then grants in arrival order as each window frees its slots', async () => {
    const { clock, granted, ask, at } = setup([{ limit: 3, perMs: 1000 }, MINUTE]);
    for (let i = 0; i < 7; i++) void ask(`r${i}`);
    await clock.advance(5_000);
    expect(granted.map((g) => g.name)).toEqual(['r0', 'r1', 'r2', 'r3', 'r4', 'r5', 'r6']);
    expect(at()).toEqual([0, 0, 0, 1_000, 1_000, 1_000, 2_000]);
  });

  it('a late caller queues behind earlier waiters even when a slot frees up', async () => {
    const { clock, granted, ask } = setup([{ limit: 1, perMs: 1000 }, MINUTE]);
    void ask('a');
    void ask('b');
    await clock.advance(999);
    void ask('c');
    await clock.advance(3_000);
    expect(granted.map((g) => [g.name, g.at])).toEqual([['a', 0], ['b', 1_000], ['c', 2_000]]);
  });

  it('the minute window holds requests once its budget is spent', async () => {
    const { clock, budget, ask, at } = setup([{ limit: 10, perMs: 1000 }, { limit: 3, perMs: 60_000 }]);
    for (let i = 0; i < 4; i++) void ask(`r${i}`);
    await clock.advance(59_999);
    expect(at()).toEqual([0, 0, 0]);
    expect(budget.eta(1)).toBe(1);
    await clock.advance(1);
    expect(at()).toEqual([0, 0, 0, 60_000]);
  });

  it('requests that left together hold their slots from the last one written, and free them together', async () => {
    const { clock, ask, at, granted } = setup([{ limit: 2, perMs: 1000 }, MINUTE]);
    void ask('a');
    void ask('b');
    await clock.advance(0);
    // b was handed to its socket 300 ms after its grant (the event loop was busy).
    (granted[1] as { grant: Grant }).grant.written(T0 + 300);
    expect((granted[1] as { grant: Grant }).grant.sentAtMs).toBe(T0 + 300);
    void ask('c');
    void ask('d');
    await clock.advance(2_000);
    expect(at()).toEqual([0, 0, 1_300, 1_300]);
  });
});

describe('RateBudget: the margin follows the delays measured', () => {
  /** `size` requests granted together at 0, written at once, answered after `delays` (cycled). */
  async function measuredGroup(size: number, delays: number[]) {
    const context = setup([{ limit: size, perMs: 1000 }, MINUTE]);
    for (let i = 0; i < size; i++) void context.ask(`r${i}`);
    await context.clock.advance(0);
    context.granted.forEach(({ grant }, i) => {
      grant.written(T0);
      grant.answered(T0 + (delays[i % delays.length] as number));
      grant.done();
    });
    const measured = context.granted.map((_, i) => delays[i % delays.length] as number);
    return { ...context, span: Math.sqrt(6) * deviation(measured) };
  }

  it('with no delay measured, a slot is reused exactly a window later', async () => {
    const { clock, ask, at } = setup([{ limit: 1, perMs: 1000 }, MINUTE]);
    void ask('a');
    void ask('b');
    await clock.advance(2_000);
    expect(at()).toEqual([0, 1_000]);
  });

  it('a lone request holds its slot a window plus the span of one-way delays (√6 deviations of the measured times)', async () => {
    const { clock, ask, at, span } = await measuredGroup(4, [100, 300]);
    void ask('next');
    await clock.advance(1_000 + span - 1);
    expect(at()).toHaveLength(4);
    await clock.advance(2);
    expect((at()[4] as number) - 1_000).toBeCloseTo(span, 2);
  });

  it('a large group reuses its slots sooner than a lone request, all at once', async () => {
    const { clock, ask, at, span } = await measuredGroup(25, [100, 300]);
    for (let i = 0; i < 25; i++) void ask(`next${i}`);
    await clock.advance(2_000);
    const next = at().slice(25);
    expect(new Set(next).size).toBe(1);
    expect((next[0] as number) - 1_000).toBeGreaterThan(0);
    expect((next[0] as number) - 1_000).toBeLessThan(span * 0.6);
  });

  it('a 429 pauses every request for Retry-After and doubles the margin', async () => {
    const { clock, budget, ask, at, granted, span } = await measuredGroup(4, [100, 300]);
    await clock.advance(1_000 + span);
    void ask('a');
    await clock.advance(0);
    const waitMs = budget.update((granted[4] as { grant: Grant }).grant, { status: 429, headers: new Headers({ 'Retry-After': '2' }) });
    expect(waitMs).toBe(2_000);
    const pausedAt = clock.now() - T0;
    void ask('b');
    await clock.advance(1_999);
    expect(at()).toHaveLength(5);
    await clock.advance(1);
    expect(at()[5]).toBe(pausedAt + 2_000);
    // b left alone: its slot is now held a window plus twice the span; c, d and e take the free ones.
    for (const name of ['c', 'd', 'e', 'f']) void ask(name);
    await clock.advance(5_000);
    expect(at().slice(6, 9)).toEqual([pausedAt + 2_000, pausedAt + 2_000, pausedAt + 2_000]);
    expect((at()[9] as number) - (at()[5] as number) - 1_000).toBeCloseTo(2 * span, 2);
  });
  it('the doubling is dropped once as many delays as the estimate holds have been measured since the 429', async () => {
    const { clock, budget, ask, granted } = setup([{ limit: 10, perMs: 1000 }, MINUTE]);
    const delays: number[] = [];
    /** Ten requests now, answered after 100 or 300 ms; then the window clears. */
    const tenAnswered = async () => {
      const from = granted.length;
      for (let i = 0; i < 10; i++) void ask(`r${from + i}`);
      await clock.advance(0);
      granted.slice(from).forEach(({ grant }, i) => {
        grant.written(clock.now());
        grant.answered(clock.now() + (i % 2 === 0 ? 100 : 300));
        delays.push(i % 2 === 0 ? 100 : 300);
      });
      await clock.advance(5_000);
    };
    // With no slot held, the 11th of eleven requests waits a window plus the margin of one alone.
    const aloneMargin = () => budget.eta(11) - 1_000;
    const span = () => Math.sqrt(6) * deviation(delays.slice(-100));
    await tenAnswered();
    expect(aloneMargin()).toBeCloseTo(span(), 2);
    budget.update((granted[0] as { grant: Grant }).grant, { status: 429, headers: new Headers({ 'Retry-After': '1' }) });
    await clock.advance(1_000);
    expect(aloneMargin()).toBeCloseTo(2 * span(), 2);
    for (let round = 0; round < 9; round++) await tenAnswered();
    expect(aloneMargin()).toBeCloseTo(2 * span(), 2);
    await tenAnswered();
    expect(aloneMargin()).toBeCloseTo(span(), 2);
  });
});

describe('RateBudget: a window reused rarely takes each request\'s own time as a bound', () => {
  it('a minute slot is held until a minute after the latest its request can have arrived: when its answer came', async () => {
    const { clock, ask, at, granted } = setup([{ limit: 10, perMs: 1000 }, { limit: 2, perMs: 60_000 }]);
    void ask('a');
    await clock.advance(10);
    void ask('b');
    await clock.advance(0);
    const [a, b] = granted.map((g) => g.grant) as [Grant, Grant];
    a.written(T0);
    a.answered(T0 + 50);
    b.written(T0 + 10);
    // Each arrived before its answer: a by T0 + 50, b by T0 + 100 (even a, the fastest, may have
    // spent its 50 ms on the way in).
    b.answered(T0 + 10 + 90);
    void ask('c');
    void ask('d');
    await clock.advance(61_000);
    expect(at()).toEqual([0, 10, 60_050, 60_100]);
  });

  it('one not answered holds its minute slot for the slowest recent time', async () => {
    const { clock, ask, at, granted } = setup([{ limit: 10, perMs: 1000 }, { limit: 2, perMs: 60_000 }]);
    void ask('a');
    await clock.advance(0);
    void ask('b');
    await clock.advance(0);
    const [a, b] = granted.map((g) => g.grant) as [Grant, Grant];
    a.written(T0);
    a.answered(T0 + 50);
    b.written(T0);
    b.answered(T0 + 130);
    // c and d take a's and b's slots (a minute after their answers) and are never answered (they
    // timed out): e waits for c's slot a minute plus the slowest time measured (130 ms) after it left.
    void ask('c');
    await clock.advance(60_000);
    void ask('d');
    await clock.advance(1_000);
    void ask('e');
    await clock.advance(61_000);
    expect(at().slice(2)).toEqual([60_050, 60_130, 120_180]);
  });

  it('a request refused with 429 gives its slot back: the server did not count it', async () => {
    const { clock, budget, ask, at, granted } = setup([{ limit: 10, perMs: 1000 }, { limit: 2, perMs: 60_000 }]);
    void ask('a');
    void ask('b');
    await clock.advance(0);
    budget.update((granted[1] as { grant: Grant }).grant, { status: 429, headers: new Headers({ 'Retry-After': '1' }) });
    void ask('b again');
    await clock.advance(2_000);
    expect(at()).toEqual([0, 0, 1_000]);
  });
});

describe('RateBudget.update: the server view wins when it is stricter', () => {
  const headers = (remaining: number, resetInS?: number) =>
    new Headers({ 'X-RateLimit-Remaining': String(remaining), ...(resetInS === undefined ? {} : { 'X-RateLimit-Reset': String(Math.ceil(T0 / 1000) + resetInS) }) });

  it('fewer remaining than we could have caused: another client uses the key, its requests are counted', async () => {
    const { clock, budget, ask, at, granted } = setup([{ limit: 5, perMs: 1000 }, MINUTE]);
    void ask('a');
    await clock.advance(50);
    budget.update((granted[0] as { grant: Grant }).grant, { status: 200, headers: headers(1) });
    for (const name of ['b', 'c']) void ask(name);
    await clock.advance(949);
    expect(at()).toEqual([0, 50]);
  });

  it('a count that may include requests we sent before the answer came is ours: nothing changes', async () => {
    const { clock, budget, ask, at, granted } = setup([{ limit: 5, perMs: 1000 }, MINUTE]);
    for (let i = 0; i < 5; i++) {
      void ask(`r${i}`);
      await clock.advance(10);
    }
    // The first one sent reached the server last and was answered "0 remaining".
    budget.update((granted[0] as { grant: Grant }).grant, { status: 200, headers: headers(0) });
    void ask('next');
    await clock.advance(2_000);
    expect(at()[5]).toBe(1_000);
  });

  it('0 remaining with a reset: every request waits until the reset', async () => {
    const { clock, budget, ask, at, granted } = setup([{ limit: 30, perMs: 1000 }, MINUTE]);
    void ask('a');
    await clock.advance(0);
    // 29 of ours could be in the count at most: a 0 is someone else's doing.
    budget.update((granted[0] as { grant: Grant }).grant, { status: 200, headers: headers(0, 3) });
    void ask('b');
    await clock.advance(5_000);
    expect(at()).toEqual([0, 3_000]);
  });
});

describe('RateBudget.acquire with an abort signal', () => {
  it('a waiting request whose run failed leaves at once with the reason, and its slot goes to the next', async () => {
    const { clock, ask, at, granted } = setup([{ limit: 1, perMs: 1000 }, MINUTE]);
    const controller = new AbortController();
    void ask('a');
    const b = ask('b', controller.signal);
    void ask('c');
    await clock.advance(500);
    controller.abort(new Error('stream failed'));
    await expect(b).rejects.toThrow('stream failed');
    await clock.advance(3_000);
    expect(granted.map((g) => [g.name, g.at])).toEqual([['a', 0], ['c', 1_000]]);
    expect(at()).not.toContain(2_000);
  });

  it('an already aborted signal is refused without taking a slot', async () => {
    const { clock, ask, at } = setup([{ limit: 1, perMs: 1000 }, MINUTE]);
    await expect(ask('gone', AbortSignal.abort(new Error('cancelled')))).rejects.toThrow('cancelled');
    void ask('a');
    await clock.advance(0);
    expect(at()).toEqual([0]);
  });
});

describe('RateBudget.eta: when would N more requests all have been granted', () => {
  it('counts the burst left, a window per limit after it, and a pause', async () => {
    const { clock, budget, ask, granted } = setup([{ limit: 5, perMs: 1000 }, MINUTE]);
    expect(budget.eta(5)).toBe(0);
    expect(budget.eta(6)).toBe(1_000);
    for (let i = 0; i < 3; i++) void ask(`r${i}`);
    await clock.advance(0);
    expect(budget.eta(2)).toBe(0);
    // 2 now, the 3 held slots at 1 s, the 2 just planned a window after them; then a window per 5.
    expect(budget.eta(7)).toBe(1_000);
    expect(budget.eta(8)).toBe(2_000);
    expect(budget.eta(12)).toBe(2_000);
    expect(budget.eta(13)).toBe(3_000);
    budget.update((granted[0] as { grant: Grant }).grant, { status: 429, headers: new Headers({ 'Retry-After': '4' }) });
    expect(budget.eta(1)).toBe(4_000);
  });
});
