/**
 * Per natural key: the chain of its writes (a later write starts after the earlier one finished)
 * and what the last one sent, so that a write waits until a resend of the key can no longer
 * duplicate. Keys whose window passed are forgotten, so memory stays flat
 * on long inputs of distinct keys.
 */

/** How often (in admitted writes) keys whose resend window passed are forgotten. */
const SWEEP_EVERY = 1000;

/** The last write sent for one natural key. */
export interface KeyTrack {
  tail: Promise<void>;
  /** Writes of this key admitted and not finished. */
  pending: number;
  /** `settledAtMs`: when its answer came or was lost (Hyros had it, if at all, by then). */
  last?: { requestId: string | undefined; sentAtMs: number; settledAtMs: number; processed: boolean };
}

export class KeyOrder {
  private readonly keys = new Map<string, KeyTrack>();
  private admitted = 0;

  /** @param ambiguousMs ambiguous_retry_after_seconds in ms: how long a lost or unconfirmed write may still land */
  constructor(private readonly ambiguousMs: number) {}

  /** Chains `start(previous)` after the key's earlier writes; the returned task is the key's new tail. */
  admit(key: string, start: (previous: Promise<void>, track: KeyTrack) => Promise<void>): Promise<void> {
    const track = this.keys.get(key) ?? { tail: Promise.resolve(), pending: 0 };
    const task = start(track.tail, track);
    track.tail = task;
    track.pending++;
    this.keys.set(key, track);
    void task.then(() => {
      track.pending--;
      if (this.forgettable(track)) this.keys.delete(key);
    });
    if (++this.admitted % SWEEP_EVERY === 0) this.sweep();
    return task;
  }

  /** A key can be forgotten once nothing waits on it and a resend of it could no longer duplicate. */
  private forgettable(track: KeyTrack): boolean {
    return track.pending === 0 && (track.last === undefined || track.last.processed || Date.now() >= track.last.settledAtMs + this.ambiguousMs);
  }

  /** Keys whose window passed while nothing else came for them. */
  private sweep(): void {
    for (const [key, track] of this.keys) if (this.forgettable(track)) this.keys.delete(key);
  }
}
