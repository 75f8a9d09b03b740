/** WaitQueue, Semaphore and onAbort: arrival order, leaving on abort, one listener per signal. */
import { getEventListeners } from 'node:events';
import { describe, expect, it } from 'vitest';
import { onAbort } from '../../src/common/abort.js';
import { Semaphore, WaitQueue } from '../../src/common/wait-queue.js';

/** Lets every settled promise's callbacks run. */
const settle = () => new Promise((resolve) => setImmediate(resolve));

describe('WaitQueue', () => {
  it('wakes callers in arrival order, one at a time or all at once', async () => {
    const queue = new WaitQueue<string>();
    const woken: string[] = [];
    for (const name of ['a', 'b', 'c']) void queue.wait().then((value) => woken.push(`${name}:${value}`));
    expect(queue.wakeOne('1')).toBe(true);
    await settle();
    expect(woken).toEqual(['a:1']);
    queue.wakeAll('2');
    await settle();
    expect(woken).toEqual(['a:1', 'b:2', 'c:2']);
    expect(queue.wakeOne('3')).toBe(false);
  });

  it('a caller whose signal aborts leaves at once with the reason; the others keep their turn', async () => {
    const queue = new WaitQueue<number>();
    const controller = new AbortController();
    const first = queue.wait();
    const leaving = queue.wait(controller.signal);
    const last = queue.wait();
    controller.abort(new Error('run failed'));
    await expect(leaving).rejects.toThrow('run failed');
    expect(queue.length).toBe(2);
    queue.wakeOne(1);
    queue.wakeOne(2);
    await expect(first).resolves.toBe(1);
    await expect(last).resolves.toBe(2);
    await expect(queue.wait(AbortSignal.abort(new Error('too late')))).rejects.toThrow('too late');
    expect(queue.length).toBe(0);
  });
});

describe('Semaphore', () => {
  it('lets `permits` holders in at once; a released permit goes to the longest waiter, even if a newcomer asks first', async () => {
    const semaphore = new Semaphore(2);
    const order: string[] = [];
    const releases = new Map<string, () => void>();
    for (const name of ['a', 'b', 'c', 'd']) void semaphore.acquire().then((release) => (order.push(name), releases.set(name, release)));
    await settle();
    expect(order).toEqual(['a', 'b']);
    releases.get('a')?.();
    releases.get('a')?.(); // releasing twice frees one permit only
    void semaphore.acquire().then(() => order.push('late'));
    await settle();
    expect(order).toEqual(['a', 'b', 'c']);
    releases.get('b')?.();
    await settle();
    expect(order).toEqual(['a', 'b', 'c', 'd']);
    releases.get('c')?.();
    await settle();
    expect(order).toEqual(['a', 'b', 'c', 'd', 'late']);
  });

  it('a waiter that aborts takes no permit, and an aborted caller gets none even when one is free', async () => {
    const semaphore = new Semaphore(1);
    const release = await semaphore.acquire();
    const controller = new AbortController();
    const waiting = semaphore.acquire(controller.signal);
    controller.abort(new Error('stopped'));
    await expect(waiting).rejects.toThrow('stopped');
    release();
    await expect(semaphore.acquire(AbortSignal.abort(new Error('stopped')))).rejects.toThrow('stopped');
    // The one permit is still there for the next caller.
    await expect(semaphore.acquire()).resolves.toBeTypeOf('function');
  });
});

describe('onAbort', () => {
  it('keeps one listener on the signal however many callers wait on it, and calls each that is still registered', () => {
    const controller = new AbortController();
    const called: number[] = [];
    const cancels = Array.from({ length: 50 }, (_, i) => onAbort(controller.signal, () => called.push(i)));
    expect(getEventListeners(controller.signal, 'abort')).toHaveLength(1);
    for (const cancel of cancels.slice(0, 48)) cancel();
    controller.abort();
    expect(called).toEqual([48, 49]);
  });
});
