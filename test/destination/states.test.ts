/** The state echo rules (each STATE echoed in order once its records have an outcome, with destinationStats), on the ledger directly. */
import { describe, expect, it } from 'vitest';
import { StateLedger } from '../../src/destination/states.js';
import type { EchoedStateMessage } from '../../src/protocol/messages.js';

const streamState = (name: string, cursor: number, extra: Record<string, unknown> = {}): EchoedStateMessage => ({
  type: 'STATE',
  state: { type: 'STREAM', stream: { stream_descriptor: { name }, stream_state: { cursor } }, sourceStats: { recordCount: 2 }, ...extra },
});
const globalState = (cursor: number): EchoedStateMessage => ({ type: 'STATE', state: { type: 'GLOBAL', global: { shared_state: { cursor }, stream_states: [] } } });
const cursors = (ledger: StateLedger): unknown[] =>
  [...ledger.ready()].map((m) => [((m.state.stream ?? m.state.global ?? m.state.data) as Record<string, any>).stream_state?.cursor ?? (m.state.global as any)?.shared_state.cursor ?? (m.state.data as any)?.cursor, m.state.destinationStats]);

describe('StateLedger', () => {
  it('a STREAM state waits for the earlier records of its own stream only, and keeps every incoming property', () => {
    const ledger = new StateLedger();
    const a1 = ledger.record('a');
    const b1 = ledger.record('b');
    const a2 = ledger.record('a');
    ledger.state(streamState('a', 1, { id: 7, partition_id: 'p1' }));
    expect(cursors(ledger)).toEqual([]);
    ledger.settle(a2, 'accepted');
    expect(cursors(ledger)).toEqual([]);
    ledger.settle(a1, 'rejected');
    const [echoed] = [...new StateLedger().ready()];
    expect(echoed).toBeUndefined();
    const out = [...ledger.ready()];
    expect(out).toEqual([
      { type: 'STATE', state: { type: 'STREAM', stream: { stream_descriptor: { name: 'a' }, stream_state: { cursor: 1 } }, sourceStats: { recordCount: 2 }, id: 7, partition_id: 'p1', destinationStats: { recordCount: 1, rejectedRecordCount: 1 } } },
    ]);
    ledger.settle(b1, 'accepted');
    expect(ledger.held).toBe(0);
  });

  it('states leave in the order received: a later ready state waits for an earlier one', () => {
    const ledger = new StateLedger();
    const a = ledger.record('a');
    ledger.state(streamState('a', 1));
    ledger.state(streamState('b', 1));
    expect(cursors(ledger)).toEqual([]);
    ledger.settle(a, 'accepted');
    expect(cursors(ledger)).toEqual([
      [1, { recordCount: 1, rejectedRecordCount: 0 }],
      [1, { recordCount: 0, rejectedRecordCount: 0 }],
    ]);
  });

  it('counts are per state of the stream: records after a state count for the next one', () => {
    const ledger = new StateLedger();
    const r1 = ledger.record('a');
    ledger.state(streamState('a', 1));
    const r2 = ledger.record('a');
    const r3 = ledger.record('a');
    ledger.state(streamState('a', 3));
    ledger.settle(r3, 'accepted');
    ledger.settle(r2, 'rejected');
    expect(cursors(ledger)).toEqual([]);
    ledger.settle(r1, 'accepted');
    expect(cursors(ledger)).toEqual([
      [1, { recordCount: 1, rejectedRecordCount: 0 }],
      [3, { recordCount: 1, rejectedRecordCount: 1 }],
    ]);
  });

  it('a GLOBAL or legacy state waits for every earlier record of every stream and counts since the previous one', () => {
    const ledger = new StateLedger();
    const a = ledger.record('a');
    const b = ledger.record('b');
    ledger.state(globalState(1));
    ledger.settle(a, 'accepted');
    expect(cursors(ledger)).toEqual([]);
    ledger.settle(b, 'accepted');
    expect(cursors(ledger)).toEqual([[1, { recordCount: 2, rejectedRecordCount: 0 }]]);
    const c = ledger.record('a');
    ledger.state({ type: 'STATE', state: { data: { cursor: 2 } } });
    ledger.settle(c, 'rejected');
    expect(cursors(ledger)).toEqual([[2, { recordCount: 0, rejectedRecordCount: 1 }]]);
  });

  it('a namespace tells two streams of one name apart', () => {
    const ledger = new StateLedger();
    const r = ledger.record('public\u0000orders');
    ledger.state({ type: 'STATE', state: { type: 'STREAM', stream: { stream_descriptor: { name: 'orders' }, stream_state: { cursor: 9 } } } });
    expect(cursors(ledger)).toEqual([[9, { recordCount: 0, rejectedRecordCount: 0 }]]);
    ledger.state({ type: 'STATE', state: { type: 'STREAM', stream: { stream_descriptor: { name: 'orders', namespace: 'public' }, stream_state: { cursor: 10 } } } });
    expect(cursors(ledger)).toEqual([]);
    ledger.settle(r, 'accepted');
    expect(cursors(ledger)).toEqual([[10, { recordCount: 1, rejectedRecordCount: 0 }]]);
  });
});
