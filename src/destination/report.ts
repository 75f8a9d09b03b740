/**
 * What the user learns about outcomes: a WARN per rejected or invalid record (its stream, natural
 * key with emails masked, and Hyros' or our reason; bounded per stream, then counted), the full
 * record in `rejected_records_path` when set, and a summary line per stream at the end.
 */
import { createWriteStream, type WriteStream } from 'node:fs';
import { once } from 'node:events';
import { join, parse } from 'node:path';
import type { RequestObserver } from '../hyros/request.js';
import type { Logger } from '../protocol/logger.js';
import { configError } from '../common/errors.js';
import { maskEmailsIn } from './values.js';
import { writableFileProblem } from '../common/writable.js';

const WARNINGS_PER_STREAM = 20;

/** Why the rejected-records file cannot be written (check and write say the same), or undefined. */
export async function rejectedPathProblem(path: string): Promise<string | undefined> {
  const problem = await writableFileProblem(path);
  return problem === undefined ? undefined : `rejected_records_path ${path} ${problem}: give a file in an existing folder this user may write, or leave rejected_records_path empty.`;
}

/** `rejected.jsonl` → `rejected.dry-run.jsonl`: where a dry run lists its invalid records. */
export function dryRunRejectedPath(path: string): string {
  const { dir, name, ext } = parse(path);
  return join(dir, `${name}.dry-run${ext}`);
}

export interface StreamCounts {
  accepted: number;
  rejected: number;
  invalid: number;
  requests: number;
  rateLimited: number;
  warned: number;
  startedAtMs: number;
}

export interface RejectedEntry {
  stream: string;
  object: string;
  key: string | undefined;
  outcome: 'rejected' | 'invalid';
  reasons: string[];
  record: Record<string, unknown>;
}

export class OutcomeReport {
  private readonly counts = new Map<string, StreamCounts>();
  private readonly observers = new Map<string, RequestObserver>();
  private file: WriteStream | undefined;
  private path: string | undefined;

  constructor(
    private readonly logger: Logger,
    private readonly rejectedPath: string | undefined,
  ) {}

  /**
   * Opens the rejected-records file before any record is read, so a bad path fails early. A real
   * run appends (rows of earlier attempts stay: they are not resent); a dry run writes beside it,
   * to `<name>.dry-run<ext>`, replaced on every dry run, so a later real run does not list its rows twice.
   */
  async open(dryRun = false): Promise<void> {
    if (!this.rejectedPath) return;
    const path = dryRun ? dryRunRejectedPath(this.rejectedPath) : this.rejectedPath;
    const problem = await rejectedPathProblem(path);
    if (problem !== undefined) throw configError(problem);
    const file = createWriteStream(path, { flags: dryRun ? 'w' : 'a' });
    try {
      await once(file, 'open');
    } catch (error) {
      throw configError(`rejected_records_path ${path} cannot be written (${(error as NodeJS.ErrnoException).code ?? (error as Error).message}); give a writable file path or leave it empty.`);
    }
    this.file = file;
    this.path = path;
  }

  /** Where the full rejected records go in this run, if anywhere. */
  get filePath(): string | undefined {
    return this.path;
  }

  stream(label: string): StreamCounts {
    let counts = this.counts.get(label);
    if (!counts) {
      counts = { accepted: 0, rejected: 0, invalid: 0, requests: 0, rateLimited: 0, warned: 0, startedAtMs: Date.now() };
      this.counts.set(label, counts);
    }
    return counts;
  }

  /** Counts the requests and 429s of one stream (the HTTP layer's hooks); one per stream, made once. */
  observer(label: string): RequestObserver {
    let observer = this.observers.get(label);
    if (!observer) {
      const counts = this.stream(label);
      observer = { onRequest: () => void counts.requests++, onRateLimited: () => void counts.rateLimited++ };
      this.observers.set(label, observer);
    }
    return observer;
  }

  accepted(label: string): void {
    this.stream(label).accepted++;
  }

  /** A record Hyros refused (400 / FAILED) or that failed local validation. */
  async failed(entry: RejectedEntry): Promise<void> {
    const counts = this.stream(entry.stream);
    counts[entry.outcome]++;
    if (counts.warned < WARNINGS_PER_STREAM) {
      counts.warned++;
      const what = entry.outcome === 'rejected' ? 'Hyros rejected' : 'Invalid';
      const key = entry.key === undefined ? 'no natural key' : maskEmailsIn(entry.key);
      const reasons = entry.outcome === 'rejected' ? maskEmailsIn(entry.reasons.join('; ')) : entry.reasons.join('; ');
      this.logger.warn(`${what} ${entry.object} record of stream ${entry.stream} (${key}): ${reasons}`);
      if (counts.warned === WARNINGS_PER_STREAM) {
        this.logger.warn(`Stream ${entry.stream}: further rejected or invalid records are counted, not logged one by one${this.path ? ` (all of them go to ${this.path})` : ''}.`);
      }
    }
    if (this.file && !this.file.write(`${JSON.stringify({ ...entry, emitted_at: Date.now() })}\n`)) await once(this.file, 'drain');
  }

  totals(): { records: number; accepted: number; failed: number } {
    let accepted = 0;
    let failed = 0;
    for (const c of this.counts.values()) {
      accepted += c.accepted;
      failed += c.rejected + c.invalid;
    }
    return { records: accepted + failed, accepted, failed };
  }

  summarize(dryRun: boolean): void {
    for (const [label, c] of this.counts) {
      const wall = ((Date.now() - c.startedAtMs) / 1000).toFixed(1);
      const accepted = dryRun ? `${c.accepted} valid (dry run: nothing sent)` : `${c.accepted} accepted`;
      this.logger.info(`Stream ${label}: ${accepted}, ${c.rejected} rejected, ${c.invalid} invalid, ${c.requests} requests, ${c.rateLimited} answered 429, ${wall} s.`);
    }
  }

  async close(): Promise<void> {
    if (!this.file) return;
    const file = this.file;
    this.file = undefined;
    await new Promise<void>((resolve, reject) => file.end((error?: Error | null) => (error ? reject(error) : resolve())));
  }
}
