/** What one stream's requests and pages added up to: counted as they happen, logged once at its end. */
import { toIsoUtc } from '../../common/time/index.js';
import type { RequestObserver } from '../../hyros/request.js';
import type { Logger } from '../../protocol/logger.js';
import { rateLimitedStatusMessage } from '../../protocol/messages.js';
import type { MessageWriter } from '../../protocol/writer.js';

export interface StreamStats {
  records: number;
  pages: number;
  requests: number;
  retries: number;
  rateLimited: number;
  waitedMs: number;
}

export function emptyStats(): StreamStats {
  return { records: 0, pages: 0, requests: 0, retries: 0, rateLimited: 0, waitedMs: 0 };
}

/** Counts a stream's requests, and tells of its retries (log) and rate-limit waits (log + RATE_LIMITED status). */
export function requestObserver(name: string, stats: StreamStats, writer: MessageWriter, logger: Logger): RequestObserver {
  return {
    onRequest: () => {
      stats.requests++;
    },
    onRetry: (event) => {
      stats.retries++;
      logger.warn(`${name}: ${event.endpoint}: ${event.reason}; retry ${event.attempt}/${event.maxRetries} in ${(event.delayMs / 1000).toFixed(1)} s`);
    },
    onRateLimited: (event) => {
      stats.rateLimited++;
      stats.waitedMs += event.waitMs;
      writer.send(rateLimitedStatusMessage(name, event.resumeAtMs));
      logger.info(`${name}: rate limited by Hyros (429) on ${event.endpoint}; waiting ${(event.waitMs / 1000).toFixed(1)} s until ${toIsoUtc(event.resumeAtMs)}`);
    },
  };
}

export function logSummary(logger: Logger, name: string, stats: StreamStats, outcome: 'complete' | 'failed' | 'stopped', startedAt: number): void {
  const s = stats;
  logger.info(
    `${name}: ${outcome} — ${s.records} records, ${s.pages} pages, ${s.requests} requests, ${s.retries} retries, ${s.rateLimited} rate-limited (429), ${(s.waitedMs / 1000).toFixed(1)} s waited on rate limits, ${((Date.now() - startedAt) / 1000).toFixed(1)} s`,
  );
}
