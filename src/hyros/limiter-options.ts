/** What a RateLimiter is told, and the default margins (the model behind them: scripts/sim-waves.ts). */

/** See LimiterOptions.waves. */
export interface WaveOptions {
  /** The request chains that take turns (max_concurrency). */
  requesters: number;
  holdMs: number;
}

export interface LimiterOptions {
  perSecond: number;
  perMinute: number;
  /**
   * Added to both windows so clock skew and latency jitter don't make the server count 31 in its
   * second: the spread of one-way network delays it absorbs (default 100 ms, enough for a 200 ms
   * round trip varying ±50 %, measured by `npm run bench`). The floor of the adaptive margin.
   */
  safetyMs?: number;
  /** The floor of the minute window's margin (default MINUTE_SAFETY_MS). */
  minuteSafetyMs?: number;
  /**
   * With `waves`: the floor of the second window's margin for a request that did not leave in a
   * wave (src/hyros/second-window.ts). Default DEFAULT_SAFETY_MS, or `safetyMs` when that is given.
   */
  loneSafetyMs?: number;
  /**
   * Grant in waves (default: off, every request goes as soon as a slot is free). When the window
   * is the bottleneck (the `requesters` that take turns could fill every free slot) and fewer of
   * them wait than could go, the waiting ones are held, up to `holdMs`, while requests still on
   * their way back are expected within that time; then they all leave together. A wave frees its
   * slots together a window later, and whether the server sees too many in its window then
   * depends on the spread of a whole group's arrival times, which varies far less than a single
   * request's: a smaller margin holds (DEFAULT_WAVE_SAFETY_MS).
   */
  waves?: WaveOptions;
}

export const DEFAULT_SAFETY_MS = 100;
/**
 * The margin when requests leave in waves (`waves`): the k-th arrival of a wave of 15 varies by
 * far less than one request's ±50 ms: modelled at 200 ms ± 50 % (scripts/sim-waves.ts), 0.4 % of
 * 255-request backfills draw a 429 at 60 ms (one by one needs 100 ms); `npm run bench` measures it.
 */
export const DEFAULT_WAVE_SAFETY_MS = 60;
/**
 * The minute window's margin is at least this. A minute-bound backfill reuses each slot a minute
 * later, one request at a time as old ones expire (not in waves), so a request that reached Hyros
 * late last minute meets one that arrives early now: the whole spread of one-way delays must fit.
 * Cheap, unlike the second's margin: it costs this once a minute (0.4 %), not once a second.
 */
export const MINUTE_SAFETY_MS = 250;
