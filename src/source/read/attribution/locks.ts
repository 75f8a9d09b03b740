/**
 * Hyros refuses ("Already processing a request for id") a request touching an id that another
 * request is still working on, so a batch holds a lock on its ids (per account) while in flight.
 */
import { WaitQueue } from '../../../common/wait-queue.js';

/** Locks on (account, id) keys; a batch takes all its keys at once, so holders never wait on each other. */
export class IdLocks {
  private readonly held = new Set<string>();
  /** Batches waiting for a key; every release wakes them all to look again. */
  private readonly waiting = new WaitQueue<void>();

  async acquire(keys: readonly string[], signal?: AbortSignal): Promise<() => void> {
    while (keys.some((key) => this.held.has(key))) await this.waiting.wait(signal);
    signal?.throwIfAborted();
    for (const key of keys) this.held.add(key);
    let released = false;
    return () => {
      if (released) return;
      released = true;
      for (const key of keys) this.held.delete(key);
      this.waiting.wakeAll();
    };
  }

  get size(): number {
    return this.held.size;
  }
}
