/**
 * What `check` means in both connectors: a config that does not load is a CONNECTION_STATUS FAILED
 * naming the problem (exit 0), never a crash; the probes run on a client with short timeouts and few
 * retries, all under one deadline, so `check` answers within CHECK_DEADLINE_MS whatever Hyros does.
 */
import type { ConnectionSettings } from '../common/config.js';
import { ConnectorError, errorMessage } from '../common/errors.js';
import { failureOf, HyrosApiError } from './errors.js';
import { createHyrosClient, type ClientHandle } from './create.js';
import { registerSecret } from '../common/redact.js';
import { connectionStatusMessage } from '../protocol/messages.js';
import type { MessageWriter } from '../protocol/writer.js';

export const CHECK_DEADLINE_MS = 25_000;

export interface CheckSession<C> {
  config: C;
  handle: ClientHandle;
  /** Aborts every probe at the deadline. */
  deadline: AbortSignal;
}

/** Loads the config (a config_error becomes FAILED: `undefined` then) and opens the probing client. */
export async function openCheck<C extends ConnectionSettings>(load: () => Promise<C>, writer: MessageWriter): Promise<CheckSession<C> | undefined> {
  let config: C;
  try {
    config = await load();
  } catch (error) {
    if (error instanceof ConnectorError && error.failureType === 'config_error') {
      writer.send(connectionStatusMessage('FAILED', error.message));
      return undefined;
    }
    throw error;
  }
  registerSecret(config.api_key);
  const handle = createHyrosClient(config, {
    timeoutMs: Math.min(config.request_timeout_seconds * 1000, 10_000),
    maxRetries: 2,
    maxRetryTimeMs: 12_000,
    maxRateLimitWaitMs: 8_000,
    backoffBaseMs: 500,
  });
  const deadline = AbortSignal.timeout(CHECK_DEADLINE_MS);
  return { config, handle, deadline };
}

/** A probe's failure as the CONNECTION_STATUS message: a deadline, a rate limit, an unreachable host, or the error's own words. */
export function explainCheckFailure(error: unknown, host: string, deadline: AbortSignal): string {
  if (deadline.aborted) return `Hyros at ${host} did not answer within ${CHECK_DEADLINE_MS / 1000} s. Check base_url and the network (proxy settings: HTTPS_PROXY/NO_PROXY).`;
  if (failureOf(error)?.kind === 'rate_limit_exhausted') return 'Hyros is rate limiting this API key (HTTP 429, rate limited); another tool may be using it. Try again in a minute.';
  if (error instanceof HyrosApiError && error.failureType === 'transient_error') return `Could not reach Hyros at ${host}: ${error.message}`;
  return errorMessage(error);
}
