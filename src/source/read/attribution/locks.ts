/**
 * Hyros refuses ("Already processing a request for id") a request touching an id that another
 * request is still working on, so a batch holds a lock on its ids (per account) while in flight.
 */

/** Locks on (account, id) keys; a batch takes all its keys at once, so holders never wait on each other. */
export class IdLocks {
  private readonly held = new Set<string>();
  private waiters: Array<() => void> = [];

  async acquire(keys: readonly string[], signal?: AbortSignal): Promise<() => void> {
    while (keys.some((key) => this.held.has(key))) {
      signal?.throwIfAborted();
      await new Promise<void>((resolve, reject) => {
        const onAbort = () => reject(signal?.reason);
        signal?.addEventListener('abort', onAbort, { once: true });
        this.waiters.push(() => {
          signal?.removeEventListener('abort', onAbort);
          resolve();
        });
      });
    }
    signal?.throwIfAborted();
    for (const key of keys) this.held.add(key);
    let released = false;
    return () => {
      if (released) return;
      released = true;
      for (const key of keys) this.held.delete(key);
      const waiters = this.waiters;
      this.waiters = [];
      for (const wake of waiters) wake();
    };
  }

  get size(): number {
    return this.held.size;
  }
}
