/** An in-memory stand-in for stdout, so engine tests can use the real MessageWriter. */
import { EventEmitter } from 'node:events';

export class MemorySink extends EventEmitter {
  chunks: string[] = [];

  write(chunk: string, callback?: (error?: Error | null) => void): boolean {
    this.chunks.push(chunk);
    // As a stream does: the chunk is taken now, confirmed later.
    if (callback) queueMicrotask(() => callback());
    return true;
  }

  /** Every message written so far, parsed. */
  messages(): Array<Record<string, any>> {
    return this.chunks
      .join('')
      .split('\n')
      .filter((line) => line.length > 0)
      .map((line) => JSON.parse(line) as Record<string, any>);
  }
}
