/** RateLimiter: sliding per-second and per-minute windows, FIFO, server feedback, pauses. Fake timers. */
import nock from 'nock';
import { describe, expect, it, vi } from 'vitest';
import { DEFAULT_SAFETY_MS, DEFAULT_WAVE_SAFETY_MS, MINUTE_SAFETY_MS } from '../../src/hyros/limiter-options.js';
import { RateLimiter } from '../../src/hyros/limiter.js';
import { WAVE_SPAN_MS } from '../../src/hyros/second-window.js';
import { BASE_PATH, ORIGIN, RecordingObserver, makeClient, until, useFakeClockAndStrictNock } from './support.js';

const T0 = Date.parse('2026-03-01T12:00:00.000Z');

useFakeClockAndStrictNock(T0);

/** Largest number of times within any window [t, t + windowMs). */
function maxInWindow(times: number[], windowMs: number): number {
  const sorted = [...times].sort((a, b) => a - b);
  let max = 0;
  for (let i = 0; i < sorted.length; i++) {
    let n = 0;
    while (i + n < sorted.length && (sorted[i + n] as number) < (sorted[i] as number) + windowMs) n++;
    max = Math.max(max, n);
  }
  return max;
}

/** Acquires `n` slots at once; returns the (fake) times at which each was granted, in grant order. */
async function grants(limiter: RateLimiter, n: number, advanceMs: number): Promise<Array<{ i: number; at: number }>> {
  const out: Array<{ i: number; at: number }> = [];
  for (let i = 0; i < n; i++) void limiter.acquire().then(() => out.push({ i, at: Date.now() - T0 }));
  await vi.advanceTimersByTimeAsync(advanceMs);
  return out;
}

describe('RateLimiter through HyrosClient: what the server sees', () => {
  it('a burst of 30 requests never exceeds 5 per second or 12 per minute on the wire', async () => {
    nock.disableNetConnect();
    const seenAt: number[] = [];
    nock(ORIGIN)
      .get(`${BASE_PATH}leads`)
      .query(true)
      .times(30)
      .reply(() => {
        seenAt.push(Date.now() - T0);
        return [200, { result: [] }];
      });
    const limiter = new RateLimiter({ perSecond: 5, perMinute: 12 });
    const client = makeClient({ limiter, timeoutMs: 3_600_000 });
    const observer = new RecordingObserver();
    let done = 0;
    const all = Array.from({ length: 30 }, (_, i) =>
      client.getJson('leads', [['n', String(i)]], { observer }).then(() => {
        done++;
      }),
    );
    // Each step: the limiter grants some requests, they all complete (time stands still), then
    // the clock jumps to the limiter's next wake-up (the only timer left).
    let granted = 0;
    for (let step = 0; step < 100 && done < 30; step++) {
      await until(() => observer.requests > granted, 'new grants');
      granted = observer.requests;
      await until(() => done === granted, 'in-flight requests');
      if (done < 30) await vi.advanceTimersToNextTimerAsync();
    }
    await Promise.all(all);
    expect(seenAt).toHaveLength(30);
    expect(maxInWindow(seenAt, 1_000)).toBe(5);
    expect(maxInWindow(seenAt, 60_000)).toBe(12);
    // The burst allowance is used (5 at once), and nothing waits longer than the windows require
    // (+100 ms default margin on the second, DEFAULT_SAFETY_MS; +250 ms on the minute, MINUTE_SAFETY_MS).
    expect(seenAt).toEqual([
      ...Array(5).fill(0),
      ...Array(5).fill(1_100),
      ...Array(2).fill(2_200),
      ...Array(5).fill(60_250),
      ...Array(5).fill(61_350),
      ...Array(2).fill(62_450),
      ...Array(5).fill(120_500),
      121_600,
    ]);
  });
});

describe('RateLimiter', () => {
  it('admits waiters in FIFO order', async () => {
    const limiter = new RateLimiter({ perSecond: 2, perMinute: 100, safetyMs: 0 });
    const out = await grants(limiter, 7, 5_000);
    expect(out.map((g) => g.i)).toEqual([0, 1, 2, 3, 4, 5, 6]);
    expect(out.map((g) => g.at)).toEqual([0, 0, 1_000, 1_000, 2_000, 2_000, 3_000]);
  });

  it('a late arrival queues behind earlier waiters even when a slot frees up', async () => {
    const limiter = new RateLimiter({ perSecond: 1, perMinute: 100, safetyMs: 0 });
    const order: string[] = [];
    void limiter.acquire().then(() => order.push('a'));
    void limiter.acquire().then(() => order.push('b'));
    await vi.advanceTimersByTimeAsync(999);
    void limiter.acquire().then(() => order.push('c'));
    await vi.advanceTimersByTimeAsync(2_001);
    expect(order).toEqual(['a', 'b', 'c']);
  });

  it('the per-minute window holds requests once the minute budget is spent', async () => {
    const limiter = new RateLimiter({ perSecond: 10, perMinute: 3, safetyMs: 0, minuteSafetyMs: 0 });
    const out = await grants(limiter, 4, 59_999);
    expect(out.map((g) => g.at)).toEqual([0, 0, 0]);
    expect(limiter.delayMs()).toBe(1);
    await vi.advanceTimersByTimeAsync(1);
    expect(out.map((g) => g.at)).toEqual([0, 0, 0, 60_000]);
  });

  it('the minute window keeps a margin of its own (MINUTE_SAFETY_MS), wider than the second\'s', async () => {
    const limiter = new RateLimiter({ perSecond: 10, perMinute: 3, safetyMs: 0 });
    const out = await grants(limiter, 4, 60_000);
    expect(out.map((g) => g.at)).toEqual([0, 0, 0]);
    expect(limiter.delayMs()).toBe(MINUTE_SAFETY_MS);
    await vi.advanceTimersByTimeAsync(MINUTE_SAFETY_MS);
    expect(out.map((g) => g.at)).toEqual([0, 0, 0, 60_000 + MINUTE_SAFETY_MS]);
    // A margin widened by 429s beyond it applies to the minute too.
    const widened = new RateLimiter({ perSecond: 10, perMinute: 1, safetyMs: 400 });
    await grants(widened, 1, 0);
    expect(widened.delayMs()).toBe(60_400);
  });

  it('observe(remaining 0, reset) pauses everything until the reset', async () => {
    const limiter = new RateLimiter({ perSecond: 30, perMinute: 1000 });
    limiter.observe(0, 3_000, Date.now());
    expect(limiter.delayMs()).toBe(3_000);
    const out = await grants(limiter, 2, 2_999);
    expect(out).toEqual([]);
    await vi.advanceTimersByTimeAsync(1);
    expect(out.map((g) => g.at)).toEqual([3_000, 3_000]);
  });

  it('observe with fewer remaining than we think counts phantom requests (another tool uses the key)', async () => {
    const limiter = new RateLimiter({ perSecond: 5, perMinute: 1000, safetyMs: 0 });
    limiter.observe(2, undefined, Date.now());
    const out = await grants(limiter, 3, 999);
    expect(out.map((g) => g.at)).toEqual([0, 0]);
    await vi.advanceTimersByTimeAsync(1);
    expect(out.map((g) => g.at)).toEqual([0, 0, 1_000]);
  });

  it('observe with as many or more remaining than we think, or no header, changes nothing', async () => {
    const limiter = new RateLimiter({ perSecond: 3, perMinute: 1000, safetyMs: 0 });
    limiter.observe(900, 10_000, Date.now());
    limiter.observe(undefined, 10_000, Date.now());
    limiter.observe(Number.NaN, 10_000, Date.now());
    expect(limiter.delayMs()).toBe(0);
    const out = await grants(limiter, 3, 0);
    expect(out).toHaveLength(3);
  });

  it('pauseUntil holds every request until then; an earlier pause does not shorten it', async () => {
    const limiter = new RateLimiter({ perSecond: 30, perMinute: 1000 });
    limiter.pauseUntil(T0 + 2_000);
    limiter.pauseUntil(T0 + 500);
    expect(limiter.delayMs()).toBe(2_000);
    const out = await grants(limiter, 3, 1_999);
    expect(out).toEqual([]);
    await vi.advanceTimersByTimeAsync(1);
    expect(out.map((g) => g.at)).toEqual([2_000, 2_000, 2_000]);
    limiter.pauseUntil(T0 + 1_000); // in the past now: no effect
    expect(limiter.delayMs()).toBe(0);
  });

  it('a pause set while waiters are queued on a window timer still holds them', async () => {
    const limiter = new RateLimiter({ perSecond: 1, perMinute: 1000, safetyMs: 0 });
    const out: number[] = [];
    void limiter.acquire().then(() => out.push(Date.now() - T0));
    void limiter.acquire().then(() => out.push(Date.now() - T0));
    await vi.advanceTimersByTimeAsync(0);
    limiter.pauseUntil(T0 + 5_000);
    await vi.advanceTimersByTimeAsync(10_000);
    expect(out).toEqual([0, 5_000]);
  });
});

describe('RateLimiter.allowsWithin: could the windows let that many requests go in time', () => {
  it('counts the burst left in the second window, then a second window per perSecond', async () => {
    const limiter = new RateLimiter({ perSecond: 5, perMinute: 1000, safetyMs: 0 });
    expect(limiter.allowsWithin(5, 0)).toBe(true);
    expect(limiter.allowsWithin(6, 999)).toBe(false);
    expect(limiter.allowsWithin(6, 1_000)).toBe(true);
    await grants(limiter, 3, 0);
    // 3 sent: 2 more now, 5 more a second later.
    expect(limiter.allowsWithin(7, 999)).toBe(false);
    expect(limiter.allowsWithin(7, 1_000)).toBe(true);
  });

  it('sees a full minute window (with its margin) and a pause', async () => {
    const limiter = new RateLimiter({ perSecond: 10, perMinute: 3, safetyMs: 0 });
    await grants(limiter, 3, 0);
    expect(limiter.allowsWithin(1, 60_000)).toBe(false);
    expect(limiter.allowsWithin(1, 60_000 + MINUTE_SAFETY_MS)).toBe(true);
    const paused = new RateLimiter({ perSecond: 10, perMinute: 1000 });
    paused.pauseUntil(Date.now() + 2_000);
    expect(paused.allowsWithin(1, 1_999)).toBe(false);
    expect(paused.allowsWithin(1, 2_000)).toBe(true);
  });

  it('measures the round trip only once an answer came', async () => {
    const limiter = new RateLimiter({ perSecond: 4, perMinute: 1000, waves: { requesters: 2, holdMs: 150 } });
    const grantedAt = await limiter.acquire();
    expect(limiter.recentRoundTripMs()).toBeUndefined();
    await vi.advanceTimersByTimeAsync(120);
    limiter.finished(grantedAt);
    expect(limiter.recentRoundTripMs()).toBe(120);
  });
});

describe('RateLimiter.observe without a reset header', () => {
  it('a remaining of 0 with no reset counts the window as full', () => {
    const now = Date.now();
    const limiter = new RateLimiter({ perSecond: 4, perMinute: 1000, safetyMs: 0 });
    limiter.observe(0, undefined, now);
    expect(limiter.delayMs(now)).toBe(1_000);
    expect(limiter.delayMs(now + 1_000)).toBe(0);
  });
});

describe('RateLimiter: counting from the write, and a margin that widens after a 429', () => {
  it('a request written later than granted holds its slot from the write', async () => {
    const limiter = new RateLimiter({ perSecond: 2, perMinute: 100, safetyMs: 0 });
    const out = await grants(limiter, 2, 0);
    expect(out.map((g) => g.at)).toEqual([0, 0]);
    // The second was only handed to its socket 300 ms after its grant (the event loop was busy).
    limiter.written(T0, T0 + 300);
    const later = await grants(limiter, 2, 1_299);
    expect(later.map((g) => g.at)).toEqual([1_000]);
    await vi.advanceTimersByTimeAsync(1);
    expect(later.map((g) => g.at)).toEqual([1_000, 1_300]);
  });

  it('ignores a write time it cannot match or that is not later', () => {
    const limiter = new RateLimiter({ perSecond: 1, perMinute: 100, safetyMs: 0 });
    void limiter.acquire();
    limiter.written(T0 - 5, T0 + 500);
    limiter.written(T0, T0);
    expect(limiter.delayMs()).toBe(1_000);
  });

  it('a 429 widens the margin (once per burst of 429s), which then halves every 30 s', () => {
    const limiter = new RateLimiter({ perSecond: 30, perMinute: 1000 });
    expect(limiter.marginMs()).toBe(100);
    limiter.rateLimited(T0);
    limiter.rateLimited(T0 + 10); // the other requests of the same bunching
    expect(limiter.marginMs(T0)).toBe(200);
    expect(limiter.marginMs(T0 + 30_000)).toBe(150);
    expect(limiter.marginMs(T0 + 300_000)).toBe(100);
    // A new 429 two seconds later doubles what is left of the margin (195 ms): 390 ms.
    limiter.rateLimited(T0 + 2_000);
    expect(limiter.marginMs(T0 + 2_000)).toBe(390);
    // Never beyond a second.
    for (let i = 1; i <= 5; i++) limiter.rateLimited(T0 + 2_000 + i * 1_000);
    expect(limiter.marginMs(T0 + 7_000)).toBe(1_000);
  });

  it('the widened margin spaces the windows further', async () => {
    const limiter = new RateLimiter({ perSecond: 2, perMinute: 100, safetyMs: 0 });
    limiter.rateLimited(T0);
    const out = await grants(limiter, 4, 1_149);
    expect(out.map((g) => g.at)).toEqual([0, 0]);
    await vi.advanceTimersByTimeAsync(1);
    // 150 ms margin (the floor after a 429) instead of none.
    expect(out.map((g) => g.at)).toEqual([0, 0, 1_150, 1_150]);
  });
});

describe('RateLimiter.observe when concurrent requests reach the server out of order', () => {
  it('a count that includes requests we sent before the answer came is ours, not another client', () => {
    const limiter = new RateLimiter({ perSecond: 5, perMinute: 1000, safetyMs: 0 });
    // Five requests 10 ms apart; the first one sent reached the server last, so the server
    // answers it "0 remaining". All five are ours: nothing else uses the key.
    for (let i = 0; i < 5; i++) {
      vi.setSystemTime(T0 + i * 10);
      void limiter.acquire();
    }
    vi.setSystemTime(T0 + 100);
    limiter.observe(0, undefined, T0, T0 + 100);
    // The next slot frees when the first of our five leaves its second, not a second from now.
    expect(limiter.delayMs(T0 + 100)).toBe(900);
  });

  it('a count above everything we sent still means another client uses the key', () => {
    const limiter = new RateLimiter({ perSecond: 5, perMinute: 1000, safetyMs: 0 });
    void limiter.acquire();
    // The server has 4 of 5 used after our single request: 3 are someone else's (2 of slack).
    limiter.observe(1, undefined, T0, T0 + 50);
    expect(limiter.delayMs(T0 + 50)).toBe(0);
    void limiter.acquire();
    expect(limiter.delayMs(T0 + 50)).toBeGreaterThan(0);
  });
});

describe('RateLimiter waves: requests leave together when the window is the bottleneck', () => {
  /** 4 requests a second shared by `requesters` request chains. */
  function waveLimiter(requesters: number, holdMs = 150): RateLimiter {
    return new RateLimiter({ perSecond: 4, perMinute: 1000, safetyMs: 0, waves: { requesters, holdMs } });
  }

  it('a chain that comes back first waits (up to the hold) for the one still on its way, then both go', async () => {
    const limiter = waveLimiter(2);
    const grants: Array<[string, number]> = [];
    const ask = (chain: string) => limiter.acquire().then((at) => grants.push([chain, at - T0]));
    void ask('a');
    void ask('b');
    await vi.advanceTimersByTimeAsync(0);
    expect(grants).toEqual([['a', 0], ['b', 0]]);
    // a's answer comes at 100 ms; it asks again: 2 slots free, b expected back within the hold.
    await vi.advanceTimersByTimeAsync(100);
    limiter.finished(T0);
    void ask('a');
    await vi.advanceTimersByTimeAsync(60);
    expect(grants).toHaveLength(2);
    // b's answer at 160 ms: it asks, the wave of two leaves at once.
    limiter.finished(T0);
    void ask('b');
    await vi.advanceTimersByTimeAsync(0);
    expect(grants.slice(2)).toEqual([['a', 160], ['b', 160]]);
  });

  /** Two chains go at 0 ms; the first is answered at 100 ms and asks again: its grant times so far. */
  async function firstBackAsksAgain(limiter: RateLimiter): Promise<number[]> {
    const grants: number[] = [];
    void limiter.acquire();
    void limiter.acquire();
    await vi.advanceTimersByTimeAsync(100);
    limiter.finished(T0);
    void limiter.acquire().then((at) => grants.push(at - T0));
    await vi.advanceTimersByTimeAsync(0);
    return grants;
  }

  it('the hold ends after holdMs when the other chain does not come back', async () => {
    const grants = await firstBackAsksAgain(waveLimiter(2));
    await vi.advanceTimersByTimeAsync(149);
    expect(grants).toEqual([]);
    await vi.advanceTimersByTimeAsync(1);
    expect(grants).toEqual([250]);
  });

  it('no hold when even every chain could not fill the free slots (the window is not the bottleneck)', async () => {
    const grants = await firstBackAsksAgain(new RateLimiter({ perSecond: 30, perMinute: 1000, safetyMs: 0, waves: { requesters: 2, holdMs: 150 } }));
    expect(grants).toEqual([100]);
  });

  it('no hold for a request whose answer is not expected within the hold (it was only just sent)', async () => {
    const limiter = waveLimiter(2, 150);
    void limiter.acquire();
    await vi.advanceTimersByTimeAsync(300);
    limiter.finished(T0); // round trips take 300 ms
    const grants: number[] = [];
    void limiter.acquire(); // a: granted at 300 ms
    await vi.advanceTimersByTimeAsync(10);
    void limiter.acquire().then((at) => grants.push(at - T0)); // b, 10 ms later: a is due at 600 ms
    await vi.advanceTimersByTimeAsync(0);
    expect(grants).toEqual([310]);
  });

  it('reuses the slot of a request that left in a wave after the wave margin, of one that left alone after the lone margin', async () => {
    // requesters 2: a full wave is 2 requests written within WAVE_SPAN_MS.
    const limiter = () => new RateLimiter({ perSecond: 2, perMinute: 1000, waves: { requesters: 2, holdMs: 150 } });
    const together = limiter();
    const first = await grants(together, 3, 2_000);
    expect(first.map((g) => g.at)).toEqual([0, 0, 1_000 + DEFAULT_WAVE_SAFETY_MS]);

    const alone = limiter();
    const start = Date.now() - T0;
    void alone.acquire();
    await vi.advanceTimersByTimeAsync(500);
    void alone.acquire();
    const third = await grants(alone, 1, 2_000);
    // The slot of the request sent alone at `start` frees 1 s + the lone margin later.
    expect(third.map((g) => g.at - start)).toEqual([1_000 + DEFAULT_SAFETY_MS]);
  });

  it('counts requests written a few ms apart as one wave (sockets are written one after another)', async () => {
    const limiter = new RateLimiter({ perSecond: 2, perMinute: 1000, waves: { requesters: 2, holdMs: 150 } });
    const a = await limiter.acquire();
    const b = await limiter.acquire();
    limiter.written(a, T0 + 3);
    limiter.written(b, T0 + 3 + WAVE_SPAN_MS);
    const next = await grants(limiter, 1, 2_000);
    expect(next.map((g) => g.at)).toEqual([3 + 1_000 + DEFAULT_WAVE_SAFETY_MS]);
  });

  it('uses the wave margin by default (60 ms instead of 100 ms)', () => {
    expect(new RateLimiter({ perSecond: 30, perMinute: 1000, waves: { requesters: 15, holdMs: 150 } }).marginMs()).toBe(60);
    expect(new RateLimiter({ perSecond: 30, perMinute: 1000 }).marginMs()).toBe(100);
  });
});
