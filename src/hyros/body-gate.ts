/**
 * Bounds the response bodies held in memory at once. Many requests may be on their way (that hides
 * latency), but a body costs memory from its first byte until its records are written out. So only
 * `permits` bodies are read at a time, and only once the output can take more (`ready`): a response
 * whose turn has not come stays in its socket (kernel buffers and TCP flow control), not in the heap.
 */
import { Semaphore } from '../common/wait-queue.js';

export class BodyGate {
  private readonly turns: Semaphore;

  constructor(permits: number, private readonly ready: () => Promise<void> = () => Promise.resolve()) {
    this.turns = new Semaphore(permits);
  }

  /** Resolves with the release function once this body may be read; rejects when `signal` aborts first. */
  async enter(signal?: AbortSignal): Promise<() => void> {
    const release = await this.turns.acquire(signal);
    try {
      await this.ready();
    } catch (error) {
      release();
      throw error;
    }
    return release;
  }
}
