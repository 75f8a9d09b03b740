/**
 * Bounds the response bodies held in memory at once. Many requests may be on their way (that hides
 * latency), but a body costs memory from its first byte until its records are written out. So only
 * `permits` bodies are read at a time, and only once the output can take more (`ready`): a response
 * whose turn has not come stays in its socket (kernel buffers and TCP flow control), not in the heap.
 */
export class BodyGate {
  private free: number;
  private readonly queue: Array<() => void> = [];

  constructor(permits: number, private readonly ready: () => Promise<void> = () => Promise.resolve()) {
    this.free = Math.max(1, permits);
  }

  /** Resolves with the release function once this body may be read. */
  async enter(): Promise<() => void> {
    if (this.free > 0 && this.queue.length === 0) this.free--;
    else await new Promise<void>((resolve) => this.queue.push(resolve));
    let released = false;
    const release = () => {
      if (released) return;
      released = true;
      const next = this.queue.shift();
      if (next) next();
      else this.free++;
    };
    try {
      await this.ready();
    } catch (error) {
      release();
      throw error;
    }
    return release;
  }
}
