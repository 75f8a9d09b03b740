/**
 * Runs the configured streams: a fixed pool of workers (max_concurrency) takes windows from the
 * streams round-robin, so every stream progresses and all requests share the key's one rate
 * budget (inside the client). Each window pages to its end before it counts as done; records go
 * out as pages arrive, and a worker waits for stdout between pages (bounded memory). A worker that
 * finds no window left splits the busiest one (src/source/engine/split.ts), or waits for the next page
 * or completion to make one splittable.
 */
import { HyrosApiError, isBareUnauthorized, keyRefusedEverywhere, PaginationResetError } from '../../hyros/errors.js';
import type { Logger } from '../../protocol/logger.js';
import type { MessageWriter } from '../../protocol/writer.js';
import { splitShortensRead, type RateView } from './split.js';
import { StreamRun } from './stream-run.js';
import { chainDone, type SplitCandidate, type Task } from './tasks.js';
import type { PlannedStream } from './types.js';

export interface RunOptions {
  concurrency: number;
  writer: MessageWriter;
  logger: Logger;
  /** The key's rate budget, for the split decision (none: split whenever a window is worth it). */
  rate?: RateView;
  /**
   * A second look at a failure before it counts: may turn it into a cause that stops the read
   * (e.g. a 404 that is a wrong base_url rather than a missing endpoint).
   */
  diagnose?: (error: unknown) => Promise<unknown>;
}

export interface RunResult {
  failedStreams: string[];
  /**
   * The one cause that stopped the whole read (a rejected key, a wrong base_url): its streams ended
   * INCOMPLETE without an error each, and the caller reports it once.
   */
  stoppedBy?: unknown;
}

/** A task and the stream it belongs to, as a worker holds it. */
interface Work {
  run: StreamRun;
  task: Task;
}

export async function runStreams(streams: readonly PlannedStream[], options: RunOptions): Promise<RunResult> {
  const { writer, logger } = options;
  const runs = streams.map((stream) => new StreamRun(stream, writer, logger));
  for (const run of runs) run.start();
  let turn = 0;

  const nextTask = (): Work | undefined => {
    for (let i = 0; i < runs.length; i++) {
      const run = runs[(turn + i) % runs.length];
      const task = run?.takeTask();
      if (run && task) {
        turn = (turn + i + 1) % runs.length;
        return { run, task };
      }
    }
    return undefined;
  };

  /**
   * The older part of the busy window with the most pages left, across streams, when splitting it
   * can shorten the read (src/source/engine/split.ts: not while the rate limit, rather than that chain, sets the end).
   */
  const splitTask = (): Work | undefined => {
    // Asked once per change: the idle workers woken by the same page get the same answer.
    if (noSplitUntilChange) return undefined;
    let best: SplitCandidate | undefined;
    let bestRun: StreamRun | undefined;
    let pagesLeft = 0;
    for (const run of runs) {
      const candidate = run.splitCandidate();
      if (!candidate) continue;
      pagesLeft += candidate.streamPagesLeft;
      if (best === undefined || candidate.pagesLeft > best.pagesLeft) [best, bestRun] = [candidate, run];
    }
    if (!best || !splitShortensRead(best.pagesLeft, pagesLeft, options.rate)) {
      noSplitUntilChange = true;
      return undefined;
    }
    const task = bestRun?.splitTask(best.task);
    return bestRun && task && { run: bestRun, task };
  };

  // Wakes idle workers when something changed that may make a window splittable (a page arrived, a window ended).
  let wake: (() => void) | undefined;
  let changed = new Promise<void>((resolve) => (wake = resolve));
  let noSplitUntilChange = false;
  const notify = () => {
    noSplitUntilChange = false;
    wake?.();
    changed = new Promise<void>((resolve) => (wake = resolve));
  };

  let stoppedBy: unknown;
  const stopRead = (cause: unknown) => {
    stoppedBy ??= cause;
    for (const run of runs) run.fail(cause);
  };
  // A stream whose first request got a bare 401 waits to be reported: if every stream's did, it is the key.
  const refusedAtStart = (run: StreamRun) => run.failed && run.pagesRead === 0 && isBareUnauthorized(run.failureCause);
  const finishIfDone = (run: StreamRun) => {
    if (run.done && !refusedAtStart(run)) run.finish(stoppedBy !== undefined && run.failureCause === stoppedBy);
  };

  const worker = async () => {
    for (;;) {
      const work = nextTask() ?? splitTask();
      if (work === undefined) {
        if (runs.every((run) => run.done)) return;
        await changed;
        continue;
      }
      const { run, task } = work;
      try {
        const emitted = await readTask(run, task, writer, notify);
        run.completeTask(task, emitted);
      } catch (caught) {
        const error = options.diagnose ? await options.diagnose(caught) : caught;
        run.failTask(task, error);
        // A rejected key (or a wrong base_url) fails every request: stop, and say it once.
        if (error instanceof HyrosApiError && error.stopsRun) stopRead(error);
      }
      finishIfDone(run);
      notify();
      await writer.ready();
    }
  };

  const workers = Array.from({ length: Math.max(1, options.concurrency) }, () => worker());
  await Promise.all(workers);
  if (stoppedBy === undefined && runs.length > 1 && runs.every(refusedAtStart)) {
    stoppedBy = keyRefusedEverywhere(runs.map((run) => (run.failureCause as HyrosApiError).endpoint));
  }
  const silenced = (run: StreamRun) => stoppedBy !== undefined && (run.failureCause === stoppedBy || refusedAtStart(run));
  // Streams with no windows at all (or failed before any work) end here.
  const failedStreams = runs.filter((run) => !run.finish(silenced(run))).map((run) => run.name);
  await writer.flush();
  return { failedStreams, ...(stoppedBy === undefined ? {} : { stoppedBy }) };
}

/**
 * Pages one window (or change pass) to its end, or until its chain is past the window's start
 * (newest first); restarts it once when Hyros expires the page cursor. `onPage` runs after every page.
 */
async function readTask(run: StreamRun, task: Task, writer: MessageWriter, onPage: () => void): Promise<number> {
  for (let restart = 0; ; restart++) {
    let emitted = 0;
    try {
      const context = { signal: run.abort.signal, observer: run.observer };
      for await (const page of run.pagesOf(task, context)) {
        emitted += run.emitPage(task, page);
        // Release the records now: the page generator's suspended frame keeps this array until
        // its next page arrives, which would hold a parsed page per chain across every round trip.
        page.length = 0;
        onPage();
        if (chainDone(task)) break;
        await writer.ready();
      }
      return emitted;
    } catch (error) {
      if (!(error instanceof PaginationResetError) || restart >= 1) throw error;
      run.restartChain(task);
      run.observer.onRetry?.({ endpoint: error.endpoint, attempt: 1, maxRetries: 1, delayMs: 0, reason: `${error.message}; restarting the window` });
    }
  }
}
