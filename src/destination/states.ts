/**
 * The state echo: every received STATE goes back out, in the order
 * received, once every earlier record it covers has an outcome (a STREAM state: the earlier records
 * of its stream; a GLOBAL or legacy state: every earlier record), with `destinationStats` counted
 * since the previous state of that stream (GLOBAL: since the previous GLOBAL state). The incoming
 * message is echoed as received otherwise (the platform's `id`, `sourceStats`, … are kept).
 */
import type { EchoedStateMessage } from '../protocol/messages.js';
import { streamId } from './catalog.js';

/** The records between two states of one stream (or, for GLOBAL states, of the whole input). */
interface Segment {
  accepted: number;
  rejected: number;
  pending: number;
}

/** What a record holds until it has its outcome. */
export interface RecordTicket {
  segments: [Segment, Segment];
}

export type Outcome = 'accepted' | 'rejected';


const newSegment = (): Segment => ({ accepted: 0, rejected: 0, pending: 0 });

export class StateLedger {
  private readonly streamSegments = new Map<string, Segment>();
  private globalSegment = newSegment();
  private readonly queue: Array<{ message: EchoedStateMessage; segment: Segment }> = [];
  private head = 0;
  received = 0;
  echoed = 0;

  record(stream: string): RecordTicket {
    let segment = this.streamSegments.get(stream);
    if (!segment) {
      segment = newSegment();
      this.streamSegments.set(stream, segment);
    }
    segment.pending++;
    this.globalSegment.pending++;
    return { segments: [segment, this.globalSegment] };
  }

  settle(ticket: RecordTicket, outcome: Outcome): void {
    for (const segment of ticket.segments) {
      segment.pending--;
      segment[outcome]++;
    }
  }

  /** Queue an incoming STATE; its segment is closed, later records open a new one. */
  state(message: EchoedStateMessage): void {
    this.received++;
    const state = message.state;
    let segment: Segment;
    if (state.type === 'STREAM') {
      const descriptor = (state.stream as { stream_descriptor?: { name?: string; namespace?: string | null } } | undefined)?.stream_descriptor;
      const id = streamId(descriptor?.name ?? '', descriptor?.namespace);
      segment = this.streamSegments.get(id) ?? newSegment();
      this.streamSegments.set(id, newSegment());
    } else {
      // GLOBAL, and legacy states (no type, or LEGACY with `data`), cover every record before them.
      segment = this.globalSegment;
      this.globalSegment = newSegment();
    }
    this.queue.push({ message, segment });
  }

  /** The states whose records all have an outcome, in the order they were received; each leaves once. */
  *ready(): Generator<EchoedStateMessage> {
    while (this.head < this.queue.length) {
      const entry = this.queue[this.head] as { message: EchoedStateMessage; segment: Segment };
      if (entry.segment.pending > 0) return;
      this.queue[this.head] = undefined as never;
      this.head++;
      if (this.head > 1024 && this.head * 2 > this.queue.length) {
        this.queue.splice(0, this.head);
        this.head = 0;
      }
      this.echoed++;
      entry.message.state.destinationStats = { recordCount: entry.segment.accepted, rejectedRecordCount: entry.segment.rejected };
      yield entry.message;
    }
  }

  /** States received but not echoed (they wait for records, or the run failed before them). */
  get held(): number {
    return this.received - this.echoed;
  }
}
