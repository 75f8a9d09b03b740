/**
 * One `abort` listener per signal, whatever number of callers wait on it. A run's signal is shared by
 * every request, sleep and queue place of the run, and Node warns past ten listeners on one signal:
 * registering each caller here instead keeps the signal at a single listener, with no cap to raise.
 */

const callbacks = new WeakMap<AbortSignal, Set<() => void>>();

/** Calls `callback` once when `signal` aborts; returns the function that cancels that call. */
export function onAbort(signal: AbortSignal, callback: () => void): () => void {
  let waiting = callbacks.get(signal);
  if (waiting === undefined) {
    const created = new Set<() => void>();
    callbacks.set(signal, created);
    signal.addEventListener(
      'abort',
      () => {
        callbacks.delete(signal);
        for (const call of created) call();
      },
      { once: true },
    );
    waiting = created;
  }
  const own = waiting;
  // A function of its own per call, so one callback registered twice is cancelled once.
  const entry = () => callback();
  own.add(entry);
  return () => {
    own.delete(entry);
  };
}
