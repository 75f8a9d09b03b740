/**
 * Runs the configured streams: a fixed pool of workers (max_concurrency) takes windows from the
 * streams round-robin, so every stream progresses and all requests share the key's one rate
 * limiter (inside the client). Each window pages to its end before it counts as done; records go
 * out as pages arrive, and a worker waits for stdout between pages (bounded memory).
 */
import { HyrosApiError, PaginationResetError } from '../hyros/client.js';
import type { Logger } from '../protocol/logger.js';
import type { MessageWriter } from '../protocol/writer.js';
import { StreamRun, type WindowTask } from './stream-run.js';
import type { EngineStream } from './types.js';

export interface RunOptions {
  concurrency: number;
  writer: MessageWriter;
  logger: Logger;
}

export interface RunResult {
  failedStreams: string[];
}

export async function runStreams(streams: readonly EngineStream[], options: RunOptions): Promise<RunResult> {
  const { writer, logger } = options;
  const runs = streams.map((stream) => new StreamRun(stream, writer, logger));
  for (const run of runs) run.start();
  let turn = 0;

  const nextTask = (): WindowTask | undefined => {
    for (let i = 0; i < runs.length; i++) {
      const run = runs[(turn + i) % runs.length] as StreamRun;
      const task = run.takeTask();
      if (task) {
        turn = (turn + i + 1) % runs.length;
        return task;
      }
    }
    return undefined;
  };

  const finishIfDone = (run: StreamRun) => {
    if (run.done) run.finish();
  };

  const worker = async () => {
    for (let task = nextTask(); task !== undefined; task = nextTask()) {
      try {
        const emitted = await fetchWindow(task, writer);
        task.run.completeTask(task, emitted);
      } catch (error) {
        task.run.failTask(error);
        // A rejected key fails every stream: no point hammering Hyros with it.
        if (error instanceof HyrosApiError && error.keyRejected) for (const run of runs) run.fail(error);
      }
      finishIfDone(task.run);
      await writer.ready();
    }
  };

  const workers = Array.from({ length: Math.max(1, options.concurrency) }, () => worker());
  await Promise.all(workers);
  // Streams with no windows at all (or failed before any work) end here.
  const failedStreams = runs.filter((run) => !run.finish()).map((run) => run.name);
  await writer.flush();
  return { failedStreams };
}

/** Pages one window (or change pass) to its end; restarts it once when Hyros expires the page cursor. */
async function fetchWindow(task: WindowTask, writer: MessageWriter): Promise<number> {
  const { run } = task;
  for (let restart = 0; ; restart++) {
    let emitted = 0;
    try {
      const context = { signal: run.abort.signal, observer: run.observer };
      for await (const page of run.pagesOf(task, context)) {
        emitted += run.emitPage(task, page);
        await writer.ready();
      }
      return emitted;
    } catch (error) {
      if (!(error instanceof PaginationResetError) || restart >= 1) throw error;
      run.observer.onRetry?.({ endpoint: error.endpoint, attempt: 1, maxRetries: 1, delayMs: 0, reason: `${error.message}; restarting the window` });
    }
  }
}
