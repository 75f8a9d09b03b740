/**
 * Callers waiting their turn, first come first served: the one wait queue of the connectors (rate
 * budget, response bodies, writes in flight, records outstanding, id locks). A caller whose abort
 * signal fires leaves the queue at once, rejected with the signal's reason, and takes nothing.
 */
import { onAbort } from './abort.js';

interface Waiter<T> {
  resolve(value: T): void;
  stopListening(): void;
}

export class WaitQueue<T = void> {
  private waiting: Array<Waiter<T>> = [];

  get length(): number {
    return this.waiting.length;
  }

  /** Resolves with what `wakeOne`/`wakeAll` hands over; rejects with the reason when `signal` aborts first. */
  wait(signal?: AbortSignal): Promise<T> {
    if (signal?.aborted) return Promise.reject(signal.reason);
    return new Promise<T>((resolve, reject) => {
      const waiter: Waiter<T> = { resolve, stopListening: () => {} };
      if (signal) {
        waiter.stopListening = onAbort(signal, () => {
          this.waiting = this.waiting.filter((other) => other !== waiter);
          reject(signal.reason);
        });
      }
      this.waiting.push(waiter);
    });
  }

  /** Hands `value` to the caller waiting longest; false when nobody waits. */
  wakeOne(value: T): boolean {
    const waiter = this.waiting.shift();
    if (waiter === undefined) return false;
    waiter.stopListening();
    waiter.resolve(value);
    return true;
  }

  /** Hands `value` to every caller waiting now. */
  wakeAll(value: T): void {
    const woken = this.waiting;
    this.waiting = [];
    for (const waiter of woken) {
      waiter.stopListening();
      waiter.resolve(value);
    }
  }
}

/**
 * At most `permits` holders at once; the others wait in arrival order. A released permit passes
 * straight to the next waiter, so a late caller never overtakes one that waits.
 */
export class Semaphore {
  private free: number;
  private readonly queue = new WaitQueue<void>();

  constructor(permits: number) {
    this.free = Math.max(1, permits);
  }

  /** Resolves with the release function (safe to call twice) once a permit is held. */
  async acquire(signal?: AbortSignal): Promise<() => void> {
    if (this.free > 0 && this.queue.length === 0) {
      signal?.throwIfAborted();
      this.free--;
    } else await this.queue.wait(signal);
    let released = false;
    return () => {
      if (released) return;
      released = true;
      if (!this.queue.wakeOne()) this.free++;
    };
  }
}
