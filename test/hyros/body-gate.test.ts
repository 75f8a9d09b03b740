/** BodyGate: how many response bodies are read at once, and only while the output keeps up. */
import { describe, expect, it } from 'vitest';
import nock from 'nock';
import { BodyGate } from '../../src/hyros/body-gate.js';
import { BASE_PATH, ORIGIN, makeClient } from './support.js';

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
    nock(ORIGIN).get(`${BASE_PATH}leads`).reply(200, { result: [{ id: 'l-1' }] });
    let open!: () => void;
    const stdoutReady = new Promise<void>((resolve) => (open = resolve));
    const client = makeClient({ timeoutMs: 100, maxRetries: 0, bodyGate: new BodyGate(1, () => stdoutReady) });
    const body = client.getJson('leads', []);
    setTimeout(open, 300);
    await expect(body).resolves.toEqual({ result: [{ id: 'l-1' }] });
    expect(nock.isDone()).toBe(true);
    nock.cleanAll();
    nock.enableNetConnect();
  });
});
