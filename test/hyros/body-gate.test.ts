/** BodyGate: how many response bodies are read at once, and only while the output keeps up. */
import { describe, expect, it, vi } from 'vitest';
import nock from 'nock';
import { BodyGate } from '../../src/hyros/body-gate.js';
import { BASE_PATH, ORIGIN, makeClient, until } from './support.js';

const tick = () => new Promise((resolve) => setImmediate(resolve));

describe('BodyGate', () => {
  it('lets `permits` bodies in at once, the next in order as each is released', async () => {
    const gate = new BodyGate(2);
    const order: string[] = [];
    const releases = new Map<string, () => void>();
    for (const name of ['a', 'b', 'c', 'd']) void gate.enter().then((release) => (order.push(name), releases.set(name, release)));
    await tick();
    expect(order).toEqual(['a', 'b']);
    releases.get('b')?.();
    releases.get('b')?.(); // releasing twice frees one permit only
    await tick();
    expect(order).toEqual(['a', 'b', 'c']);
    releases.get('a')?.();
    await tick();
    expect(order).toEqual(['a', 'b', 'c', 'd']);
  });

  it('waits for the output to be ready before a body is read', async () => {
    let drained!: () => void;
    let ready: Promise<void> = new Promise((resolve) => (drained = resolve));
    const gate = new BodyGate(2, () => ready);
    let entered = false;
    void gate.enter().then(() => (entered = true));
    await tick();
    expect(entered).toBe(false);
    drained();
    ready = Promise.resolve();
    await tick();
    expect(entered).toBe(true);
  });

  it('a body that waited for its turn longer than the request timeout is still read (the timeout restarts)', async () => {
    nock.disableNetConnect();
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'Date'] });
    try {
      nock(ORIGIN).get(`${BASE_PATH}leads`).reply(200, { result: [{ id: 'l-1' }] });
      let open!: () => void;
      const stdoutReady = new Promise<void>((resolve) => (open = resolve));
      let waiting = false;
      const client = makeClient({ timeoutMs: 100, maxRetries: 0, bodyGate: new BodyGate(1, () => ((waiting = true), stdoutReady)) });
      let settled = false;
      const body = client.getJson('leads', []).finally(() => (settled = true));
      await until(() => waiting, 'the body to wait for its turn');
      // Three request timeouts pass while the output is not ready.
      await vi.advanceTimersByTimeAsync(300);
      expect(settled).toBe(false);
      open();
      await until(() => settled, 'the body');
      await expect(body).resolves.toEqual({ result: [{ id: 'l-1' }] });
      expect(nock.isDone()).toBe(true);
    } finally {
      vi.useRealTimers();
      nock.cleanAll();
      nock.enableNetConnect();
    }
  });

  it('a request whose run failed while its body waited for its turn stops at once', async () => {
    const gate = new BodyGate(1);
    const release = await gate.enter();
    const controller = new AbortController();
    const waiting = gate.enter(controller.signal);
    controller.abort(new Error('stream failed'));
    await expect(waiting).rejects.toThrow('stream failed');
    // It took no turn: the next body gets the permit as soon as the first is released.
    const next = gate.enter();
    release();
    await expect(next).resolves.toBeTypeOf('function');
  });
});
