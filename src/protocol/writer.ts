/**
 * The one output writer: every Airbyte message leaves the process here, as one JSON line on stdout.
 *
 * Lines are batched into chunks (fewer syscalls on the record hot path) and the sink's backpressure
 * is respected: producers `await writer.ready()` between pages, so a slow consumer slows the reads
 * instead of growing an unbounded buffer. Non-record messages are redacted (API key, header values).
 */
import type { Writable } from 'node:stream';
import { redact } from '../common/redact.js';
import type { AirbyteMessage, JsonObject } from './messages.js';

const CHUNK_BYTES = 64 * 1024;

export interface MessageSink {
  write(chunk: string, callback?: (error?: Error | null) => void): boolean;
  once(event: 'drain', listener: () => void): unknown;
  on(event: 'error', listener: (error: Error) => void): unknown;
}

export class MessageWriter {
  private pending = '';
  private congested: Promise<void> | undefined;
  private closed = false;
  private readonly recordPrefixes = new Map<string, string>();
  /** The messages of the TRACE ERRORs sent (redacted), for the one line a failed run leaves on stderr. */
  readonly errorsSent: string[] = [];
  /** Told of each STATE once the sink has taken the chunk that carries it (see watchStates). */
  private stateWatcher: ((state: JsonObject) => void) | undefined;
  /** The STATEs queued in `pending`, not yet handed to the sink. */
  private pendingStates: JsonObject[] = [];
  /** Chunks with states that the sink has not confirmed yet, and who waits for them. */
  private unconfirmed = 0;
  private confirmedWaiters: Array<() => void> = [];

  constructor(private readonly sink: MessageSink | Writable = process.stdout) {
    sink.on('error', (error: Error & { code?: string }) => {
      // The reader went away (e.g. `| head`): nothing more can be delivered.
      if (error.code === 'EPIPE') {
        this.closed = true;
        this.unconfirmed = 0;
        for (const wake of this.confirmedWaiters.splice(0)) wake();
      }
      else throw error;
    });
  }

  /** Any message other than RECORD: redacted, then queued in order with the records. */
  send(message: AirbyteMessage): void {
    if (message.type === 'TRACE' && message.trace.type === 'ERROR') this.errorsSent.push(redact(message.trace.error.message));
    if (this.closed) return;
    // Queued before the line: a line that fills the chunk sends it at once, with its state.
    if (message.type === 'STATE' && this.stateWatcher) this.pendingStates.push(message.state as JsonObject);
    this.append(redact(JSON.stringify(message)) + '\n');
  }

  /**
   * `watcher` is told of every STATE sent from now on, in order, once the sink has taken it (for
   * stdout: handed to the operating system), never before: what it keeps is never ahead of stdout.
   */
  watchStates(watcher: (state: JsonObject) => void): void {
    this.stateWatcher = watcher;
  }

  /** Resolves once every STATE sent so far has been confirmed to the watcher (or can never be). */
  async statesConfirmed(): Promise<void> {
    this.flushPending();
    if (this.unconfirmed === 0) return;
    await new Promise<void>((resolve) => this.confirmedWaiters.push(resolve));
  }

  /** The record hot path: one JSON.stringify per record, the envelope prefix is built once per stream. */
  sendRecord(stream: string, data: JsonObject, emittedAt: number): void {
    let prefix = this.recordPrefixes.get(stream);
    if (prefix === undefined) {
      prefix = `{"type":"RECORD","record":{"stream":${JSON.stringify(stream)},"data":`;
      this.recordPrefixes.set(stream, prefix);
    }
    this.append(`${prefix}${JSON.stringify(data)},"emitted_at":${emittedAt}}}\n`);
  }

  /** Resolves when the sink can take more; await it between pages. */
  ready(): Promise<void> {
    return this.congested ?? Promise.resolve();
  }

  /** Push everything queued to the sink and wait until the sink has taken it. */
  async flush(): Promise<void> {
    this.flushPending();
    await this.ready();
  }

  private append(line: string): void {
    if (this.closed) return;
    this.pending += line;
    if (this.pending.length >= CHUNK_BYTES) this.flushPending();
  }

  private flushPending(): void {
    if (this.pending.length === 0 || this.closed) return;
    const chunk = this.pending;
    this.pending = '';
    const states = this.pendingStates;
    let accepted: boolean;
    if (states.length === 0) accepted = this.sink.write(chunk);
    else {
      this.pendingStates = [];
      this.unconfirmed++;
      accepted = this.sink.write(chunk, (error) => {
        if (!error) for (const state of states) this.stateWatcher?.(state);
        if (--this.unconfirmed === 0) for (const wake of this.confirmedWaiters.splice(0)) wake();
      });
    }
    if (!accepted && this.congested === undefined) {
      this.congested = new Promise<void>((resolve) => {
        this.sink.once('drain', () => {
          this.congested = undefined;
          resolve();
        });
      });
    }
  }
}
