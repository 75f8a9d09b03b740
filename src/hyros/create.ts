/** Builds the one Hyros client of a run (one rate budget per API key) from either connector's config. */
import type { ConnectionSettings } from '../common/config.js';
import { USER_AGENT } from '../common/version.js';
import type { BodyGate } from './body-gate.js';
import { HyrosClient } from './client.js';
import { createDispatcher } from './dispatcher.js';
import { RateBudget } from './rate-budget.js';

export interface ClientOverrides {
  timeoutMs?: number;
  maxRetries?: number;
  maxRetryTimeMs?: number;
  maxRateLimitWaitMs?: number;
  backoffBaseMs?: number;
  /** Bounds the response bodies held at once (a read passes one tied to stdout). */
  bodyGate?: BodyGate;
}

export interface ClientHandle {
  client: HyrosClient;
  close(): Promise<void>;
}

export function createHyrosClient(config: ConnectionSettings, overrides: ClientOverrides = {}): ClientHandle {
  const timeoutMs = overrides.timeoutMs ?? config.request_timeout_seconds * 1000;
  const dispatcher = createDispatcher(config.baseUrl, timeoutMs, Math.max(4, config.max_concurrency * 2));
  const budget = new RateBudget([
    { limit: config.requests_per_second, perMs: 1000 },
    { limit: config.requests_per_minute, perMs: 60_000 },
  ]);
  const client = new HyrosClient({
    baseUrl: config.baseUrl,
    apiKey: config.api_key,
    budget,
    userAgent: USER_AGENT,
    timeoutMs,
    maxRetries: overrides.maxRetries ?? config.max_retries,
    maxRateLimitWaitMs: overrides.maxRateLimitWaitMs ?? config.max_rate_limit_wait_seconds * 1000,
    ...(overrides.maxRetryTimeMs === undefined ? {} : { maxRetryTimeMs: overrides.maxRetryTimeMs }),
    ...(overrides.backoffBaseMs === undefined ? {} : { backoffBaseMs: overrides.backoffBaseMs }),
    dispatcher,
    ...(overrides.bodyGate === undefined ? {} : { bodyGate: overrides.bodyGate }),
  });
  return { client, close: () => dispatcher.destroy() };
}
