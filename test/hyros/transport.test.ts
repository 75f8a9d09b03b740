/**
 * Transport faults against a real node:http server on 127.0.0.1 (no nock in this file): a server
 * that never answers (timeout), a body cut off mid-way, a short but well-framed body, a refused port.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Agent, EnvHttpProxyAgent, type Dispatcher } from 'undici';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { HyrosApiError } from '../../src/hyros/errors.js';
import { createDispatcher } from '../../src/hyros/dispatcher.js';
import { API_KEY, RecordingObserver, expectNoKey, makeClient, rejectionOf, until } from './support.js';

type Handler = (req: IncomingMessage, res: ServerResponse) => void;

interface Local {
  baseUrl: URL;
  requests: Array<{ url: string; apiKey: string | undefined }>;
  close(): Promise<void>;
}

/** A server answering the n-th request with handlers[n] (the last one repeats). */
async function serve(handlers: Handler[]): Promise<Local> {
  const requests: Local['requests'] = [];
  const server: Server = createServer((req, res) => {
    requests.push({ url: req.url ?? '', apiKey: req.headers['api-key'] as string | undefined });
    const handler = handlers[Math.min(requests.length - 1, handlers.length - 1)] as Handler;
    handler(req, res);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    baseUrl: new URL(`http://127.0.0.1:${port}/v1/api/v1.0/`),
    requests,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

const ok: Handler = (_req, res) => {
  res.writeHead(200, { 'Content-Type': 'application/json' });
  res.end(JSON.stringify({ result: [{ id: 'l1' }, { id: 'l2' }] }));
};
const never: Handler = () => undefined;

let cleanup: Array<() => Promise<void>> = [];
afterEach(async () => {
  vi.useRealTimers();
  for (const fn of cleanup.reverse()) await fn();
  cleanup = [];
});

async function setup(handlers: Handler[], timeoutMs = 2_000): Promise<{ local: Local; dispatcher: Dispatcher }> {
  const local = await serve(handlers);
  const dispatcher = createDispatcher(local.baseUrl, timeoutMs, 4);
  cleanup.push(() => local.close(), () => dispatcher.destroy());
  return { local, dispatcher };
}

describe('transport faults on a real socket', () => {
  it('createDispatcher uses a plain Agent (never a proxy) for a loopback base URL', async () => {
    const { local, dispatcher } = await setup([ok]);
    expect(dispatcher).toBeInstanceOf(Agent);
    expect(dispatcher).not.toBeInstanceOf(EnvHttpProxyAgent);
    const body = await makeClient({ baseUrl: local.baseUrl, dispatcher }).getJson('leads', [['pageSize', '250']]);
    expect(body).toEqual({ result: [{ id: 'l1' }, { id: 'l2' }] });
    expect(local.requests).toEqual([{ url: '/v1/api/v1.0/leads?pageSize=250', apiKey: API_KEY }]);
  });

  it('a server that never answers: each attempt times out after timeoutMs, then transient_error', async () => {
    // The dispatcher's own timeouts stay far away: the request's timeout is what is tested.
    const { local, dispatcher } = await setup([never], 60_000);
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'Date'] });
    const observer = new RecordingObserver();
    const client = makeClient({ baseUrl: local.baseUrl, dispatcher, timeoutMs: 150, maxRetries: 2, backoffBaseMs: 1, backoffCapMs: 1 });
    let settled = false;
    const result = rejectionOf(client.getJson('leads', [], { observer })).finally(() => (settled = true));
    for (let attempt = 1; attempt <= 3; attempt++) {
      await until(() => local.requests.length === attempt, `attempt ${attempt} at the server`);
      // Each attempt waits the whole timeout, not a moment less.
      await vi.advanceTimersByTimeAsync(149);
      expect(observer.retries).toHaveLength(attempt - 1);
      expect(settled).toBe(false);
      await vi.advanceTimersByTimeAsync(1);
      if (attempt === 3) break;
      await until(() => observer.retries.length === attempt, `retry ${attempt}`);
      // The backoff before the next attempt (under a millisecond here).
      await vi.advanceTimersByTimeAsync(1);
    }
    const error = await result;
    expect(error).toBeInstanceOf(HyrosApiError);
    expect(error.failureType).toBe('transient_error');
    expect(error.message).toContain('GET /leads failed after 2 retries; last error:');
    expect(error.message).toContain('timed out after 150 ms');
    expect(local.requests).toHaveLength(3);
    expect(observer.retries.map((r) => r.reason)).toEqual([expect.stringContaining('timed out after 150 ms'), expect.stringContaining('timed out after 150 ms')]);
    expectNoKey(error, observer.retries);
  });

  it('a server that hangs once is retried and the next attempt succeeds', async () => {
    const { local, dispatcher } = await setup([never, ok], 150);
    const observer = new RecordingObserver();
    const body = await makeClient({ baseUrl: local.baseUrl, dispatcher, timeoutMs: 150 }).getJson('leads', [], { observer });
    expect(body).toEqual({ result: [{ id: 'l1' }, { id: 'l2' }] });
    expect(local.requests).toHaveLength(2);
    expect(observer.retries).toHaveLength(1);
  });

  it('a body that stalls after the headers also times out (the timeout covers the body read)', async () => {
    const stall: Handler = (_req, res) => {
      res.writeHead(200, { 'Content-Type': 'application/json', 'Content-Length': '200' });
      res.write('{"result":[');
    };
    const { local, dispatcher } = await setup([stall, ok], 150);
    const observer = new RecordingObserver();
    const body = await makeClient({ baseUrl: local.baseUrl, dispatcher, timeoutMs: 150 }).getJson('leads', [], { observer });
    expect(body).toEqual({ result: [{ id: 'l1' }, { id: 'l2' }] });
    expect(observer.retries).toHaveLength(1);
    expect(observer.retries[0]?.reason).toContain('timed out after 150 ms');
  });

  it('a connection reset mid-body is retried and the next attempt succeeds', async () => {
    const full = JSON.stringify({ result: [{ id: 'l1' }, { id: 'l2' }] });
    const resetMidBody: Handler = (_req, res) => {
      res.writeHead(200, { 'Content-Type': 'application/json', 'Content-Length': String(full.length) });
      res.write(full.slice(0, Math.floor(full.length / 2)), () => setTimeout(() => res.socket?.destroy(), 10));
    };
    const { local, dispatcher } = await setup([resetMidBody, ok]);
    const observer = new RecordingObserver();
    const body = await makeClient({ baseUrl: local.baseUrl, dispatcher }).getJson('leads', [], { observer });
    expect(body).toEqual({ result: [{ id: 'l1' }, { id: 'l2' }] });
    expect(local.requests).toHaveLength(2);
    expect(observer.retries).toHaveLength(1);
    expectNoKey(observer.retries);
  });

  it('the same through the global fetch (no dispatcher)', async () => {
    const full = JSON.stringify({ result: [{ id: 'l1' }, { id: 'l2' }] });
    const resetMidBody: Handler = (_req, res) => {
      res.writeHead(200, { 'Content-Type': 'application/json', 'Content-Length': String(full.length) });
      res.write(full.slice(0, 10), () => setTimeout(() => res.socket?.destroy(), 10));
    };
    const local = await serve([resetMidBody, ok]);
    cleanup.push(() => local.close());
    const observer = new RecordingObserver();
    const body = await makeClient({ baseUrl: local.baseUrl }).getJson('leads', [], { observer });
    expect(body).toEqual({ result: [{ id: 'l1' }, { id: 'l2' }] });
    expect(observer.retries).toHaveLength(1);
  });

  it('a truncated JSON body with a correct content-length is retried and the next attempt succeeds', async () => {
    const cut = '{"result":[{"id":"l1"},{"id":"l';
    const truncated: Handler = (_req, res) => {
      res.writeHead(200, { 'Content-Type': 'application/json', 'Content-Length': String(Buffer.byteLength(cut)) });
      res.end(cut);
    };
    const { local, dispatcher } = await setup([truncated, ok]);
    const observer = new RecordingObserver();
    const body = await makeClient({ baseUrl: local.baseUrl, dispatcher }).getJson('leads', [], { observer });
    expect(body).toEqual({ result: [{ id: 'l1' }, { id: 'l2' }] });
    expect(local.requests).toHaveLength(2);
    expect(observer.retries[0]?.reason).toContain(`not complete JSON (${cut.length} bytes)`);
  });

  it('a refused connection is retried, then transient_error', async () => {
    const local = await serve([ok]);
    await local.close();
    const dispatcher = createDispatcher(local.baseUrl, 1_000, 2);
    cleanup.push(() => dispatcher.destroy());
    const observer = new RecordingObserver();
    const error = await rejectionOf(makeClient({ baseUrl: local.baseUrl, dispatcher, maxRetries: 2 }).getJson('leads', [], { observer }));
    expect(error.failureType).toBe('transient_error');
    expect(error.message).toContain('ECONNREFUSED');
    expect(observer.requests).toBe(3);
    expectNoKey(error, observer.retries);
  });

  it('an outer abort signal stops the request at once and is not retried', async () => {
    const { local, dispatcher } = await setup([never], 10_000);
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'Date'] });
    const controller = new AbortController();
    const observer = new RecordingObserver();
    const pending = rejectionOf(makeClient({ baseUrl: local.baseUrl, dispatcher, timeoutMs: 10_000 }).getJson('leads', [], { observer, signal: controller.signal }));
    await until(() => local.requests.length === 1, 'the request at the server');
    const abortedAt = Date.now();
    controller.abort(new Error('sync cancelled'));
    // No time passes: the request ends on the abort, not on its 10 s timeout.
    const error = await pending;
    expect(Date.now()).toBe(abortedAt);
    expect(error.message).toBe('sync cancelled');
    expect(observer.retries).toEqual([]);
  });
});
