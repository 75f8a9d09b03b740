import { EventEmitter } from 'node:events';
import { afterEach, describe, expect, it } from 'vitest';
import { errorTraceMessage, logMessage, stateMessage } from '../../src/protocol/messages.js';
import { MessageWriter } from '../../src/protocol/writer.js';
import { clearSecrets, registerSecret } from '../../src/common/redact.js';
import { MemorySink } from '../helpers/memory-sink.js';

/** A sink that accepts `capacity` writes, then reports congestion until drain() is called. */
class SlowSink extends EventEmitter {
  written: string[] = [];
  constructor(private capacity: number) {
    super();
  }
  write(chunk: string): boolean {
    this.written.push(chunk);
    return this.written.length < this.capacity;
  }
  drain(): void {
    this.capacity = Number.POSITIVE_INFINITY;
    this.emit('drain');
  }
}

afterEach(() => clearSecrets());

describe('MessageWriter', () => {
  it('writes one JSON object per line, in the order sent', async () => {
    const sink = new MemorySink();
    const writer = new MessageWriter(sink);
    writer.send(logMessage('INFO', 'first'));
    writer.sendRecord('leads', { id: 'a', note: 'line\nbreak' }, 1700000000000);
    writer.send(stateMessage('leads', { occurred_at: '2026-01-01T00:00:00Z' }, 1));
    await writer.flush();
    const lines = sink.chunks.join('').split('\n');
    expect(lines.pop()).toBe('');
    expect(lines.map((line) => JSON.parse(line))).toEqual([
      { type: 'LOG', log: { level: 'INFO', message: 'first' } },
      { type: 'RECORD', record: { stream: 'leads', data: { id: 'a', note: 'line\nbreak' }, emitted_at: 1700000000000 } },
      {
        type: 'STATE',
        state: {
          type: 'STREAM',
          stream: { stream_descriptor: { name: 'leads' }, stream_state: { occurred_at: '2026-01-01T00:00:00Z' } },
          sourceStats: { recordCount: 1 },
        },
      },
    ]);
  });

  it('waits for drain when the sink is congested instead of buffering without bound', async () => {
    const sink = new SlowSink(1);
    const writer = new MessageWriter(sink);
    const big = 'x'.repeat(70 * 1024); // over one chunk: forces a write
    writer.sendRecord('sales', { id: '1', big }, 1);
    let ready = false;
    const waiting = writer.ready().then(() => {
      ready = true;
    });
    await new Promise((resolve) => setImmediate(resolve));
    expect(sink.written).toHaveLength(1);
    expect(ready).toBe(false);
    sink.drain();
    await waiting;
    expect(ready).toBe(true);
  });

  it('redacts registered secrets from logs and traces but never alters records', async () => {
    registerSecret('sk-live-SECRET-9999');
    const sink = new MemorySink();
    const writer = new MessageWriter(sink);
    writer.send(logMessage('ERROR', 'failed with key sk-live-SECRET-9999 in header'));
    writer.send(errorTraceMessage('boom sk-live-SECRET-9999', 'system_error', { stackTrace: 'Error: sk-live-SECRET-9999\n at x' }));
    await writer.flush();
    const text = sink.chunks.join('');
    expect(text).not.toContain('sk-live-SECRET-9999');
    expect(sink.messages()[0]).toEqual({ type: 'LOG', log: { level: 'ERROR', message: 'failed with key ********** in header' } });
  });

  it('tells the state watcher of a STATE only once the sink confirms its chunk, in order, and never after a failed write', async () => {
    const confirms: Array<(error?: Error | null) => void> = [];
    const sink = Object.assign(new EventEmitter(), {
      write(_chunk: string, callback?: (error?: Error | null) => void): boolean {
        if (callback) confirms.push(callback);
        return true;
      },
    });
    const writer = new MessageWriter(sink);
    const seen: unknown[] = [];
    writer.watchStates((state) => seen.push((state.stream as { stream_state: unknown }).stream_state));
    writer.sendRecord('leads', { id: 'a' }, 1);
    writer.send(stateMessage('leads', { occurred_at: '2026-01-01T00:00:00Z' }, 1));
    writer.send(stateMessage('sales', { occurred_at: '2026-01-02T00:00:00Z' }, 0));
    let confirmed = false;
    const waiting = writer.statesConfirmed().then(() => (confirmed = true));
    await new Promise((resolve) => setImmediate(resolve));
    // Handed to the sink, not yet confirmed: nothing is known to have reached stdout.
    expect(seen).toEqual([]);
    expect(confirmed).toBe(false);
    confirms.shift()?.();
    await waiting;
    expect(seen).toEqual([{ occurred_at: '2026-01-01T00:00:00Z' }, { occurred_at: '2026-01-02T00:00:00Z' }]);
    writer.send(stateMessage('leads', { occurred_at: '2026-01-03T00:00:00Z' }, 0));
    const failed = writer.statesConfirmed();
    confirms.shift()?.(new Error('EIO'));
    await failed;
    expect(seen).toHaveLength(2);
  });
});
