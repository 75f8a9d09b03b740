/**
 * createDispatcher with HTTP_PROXY / HTTPS_PROXY / NO_PROXY (read by undici's EnvHttpProxyAgent at
 * construction): a tiny loopback proxy (CONNECT tunnels + absolute-form requests) in front of a local
 * fake Hyros. No nock in this file: these are real sockets.
 */
import { createServer, request as httpRequest, type IncomingHttpHeaders, type Server } from 'node:http';
import { connect, type AddressInfo, type Socket } from 'node:net';
import { EnvHttpProxyAgent } from 'undici';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createDispatcher } from '../../src/hyros/dispatcher.js';
import { API_KEY, RecordingObserver, expectNoKey, makeClient, rejectionOf } from './support.js';

const PROXY_VARS = ['http_proxy', 'HTTP_PROXY', 'https_proxy', 'HTTPS_PROXY', 'no_proxy', 'NO_PROXY'] as const;
const REMOTE_BASE = new URL('http://api.hyros.test/v1/api/v1.0/');

interface Seen {
  method: string;
  url: string;
  headers: IncomingHttpHeaders;
}

async function listen(server: Server): Promise<number> {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return (server.address() as AddressInfo).port;
}

function closer(server: Server, sockets: Set<Socket> = new Set()): () => Promise<void> {
  return () =>
    new Promise<void>((resolve) => {
      for (const s of sockets) s.destroy();
      server.closeAllConnections();
      server.close(() => resolve());
    });
}

let cleanup: Array<() => Promise<void> | void> = [];
let savedEnv: Record<string, string | undefined> = {};
beforeEach(() => {
  savedEnv = Object.fromEntries(PROXY_VARS.map((k) => [k, process.env[k]]));
  for (const k of PROXY_VARS) delete process.env[k];
});
afterEach(async () => {
  for (const fn of cleanup.reverse()) await fn();
  cleanup = [];
  for (const k of PROXY_VARS) {
    if (savedEnv[k] === undefined) delete process.env[k];
    else process.env[k] = savedEnv[k];
  }
});

/** The fake Hyros: records what reached it, answers one page of leads. */
async function startTarget(): Promise<{ port: number; seen: Seen[] }> {
  const seen: Seen[] = [];
  const server = createServer((req, res) => {
    seen.push({ method: req.method ?? '', url: req.url ?? '', headers: req.headers });
    res.writeHead(200, { 'Content-Type': 'application/json' });
    res.end(JSON.stringify({ result: [{ id: 'via-target' }] }));
  });
  const port = await listen(server);
  cleanup.push(closer(server));
  return { port, seen };
}

/**
 * A forward proxy that sends everything to 127.0.0.1:targetPort whatever host was asked for
 * (standing in for DNS), or refuses CONNECT with `refuseConnect`.
 */
async function startProxy(targetPort: number, refuseConnect = false): Promise<{ url: string; seen: Seen[] }> {
  const seen: Seen[] = [];
  const sockets = new Set<Socket>();
  const server = createServer((req, res) => {
    // Absolute-form request (proxyTunnel: false style).
    seen.push({ method: req.method ?? '', url: req.url ?? '', headers: req.headers });
    const target = new URL(req.url ?? '/');
    const upstream = httpRequest(
      { host: '127.0.0.1', port: targetPort, method: req.method, path: target.pathname + target.search, headers: req.headers },
      (up) => {
        res.writeHead(up.statusCode ?? 502, up.headers);
        up.pipe(res);
      },
    );
    upstream.on('error', () => res.destroy());
    req.pipe(upstream);
  });
  server.on('connect', (req: { url?: string; headers: IncomingHttpHeaders; method?: string }, client: Socket, head: Buffer) => {
    seen.push({ method: req.method ?? 'CONNECT', url: req.url ?? '', headers: req.headers });
    sockets.add(client);
    client.on('error', () => undefined);
    if (refuseConnect) {
      client.end('HTTP/1.1 403 Forbidden\r\nContent-Length: 0\r\n\r\n');
      return;
    }
    const upstream = connect(targetPort, '127.0.0.1', () => {
      client.write('HTTP/1.1 200 Connection Established\r\n\r\n');
      if (head.length > 0) upstream.write(head);
      upstream.pipe(client);
      client.pipe(upstream);
    });
    sockets.add(upstream);
    upstream.on('error', () => client.destroy());
  });
  const port = await listen(server);
  cleanup.push(closer(server, sockets));
  return { url: `http://127.0.0.1:${port}`, seen };
}

function dispatcherFor(baseUrl: URL) {
  const dispatcher = createDispatcher(baseUrl, 2_000, 2);
  cleanup.push(() => dispatcher.destroy());
  return dispatcher;
}

describe('createDispatcher and proxies', () => {
  it('a non-loopback base URL goes through HTTP_PROXY (CONNECT tunnel), with the key reaching only the target', async () => {
    const target = await startTarget();
    const proxy = await startProxy(target.port);
    process.env.HTTP_PROXY = proxy.url;
    const dispatcher = dispatcherFor(REMOTE_BASE);
    expect(dispatcher).toBeInstanceOf(EnvHttpProxyAgent);
    const body = await makeClient({ baseUrl: REMOTE_BASE, dispatcher }).getJson('leads', [['pageSize', '250']]);
    expect(body).toEqual({ result: [{ id: 'via-target' }] });
    expect(proxy.seen).toHaveLength(1);
    const [viaProxy] = proxy.seen;
    expect(viaProxy?.method).toBe('CONNECT');
    expect(viaProxy?.url).toBe('api.hyros.test:80');
    // The proxy's CONNECT carries no API key: it travels inside the tunnel.
    expect(JSON.stringify(viaProxy?.headers)).not.toContain(API_KEY);
    expect(target.seen).toHaveLength(1);
    expect(target.seen[0]?.url).toBe('/v1/api/v1.0/leads?pageSize=250');
    expect(target.seen[0]?.headers.host).toBe('api.hyros.test');
    expect(target.seen[0]?.headers['api-key']).toBe(API_KEY);
  });

  it('env is read when the dispatcher is built: setting HTTP_PROXY afterwards changes nothing', async () => {
    const target = await startTarget();
    const proxy = await startProxy(target.port);
    // Built without a proxy, pointed at the loopback target through a non-loopback-looking dispatcher.
    const dispatcher = dispatcherFor(REMOTE_BASE);
    process.env.HTTP_PROXY = proxy.url;
    const local = new URL(`http://127.0.0.1:${target.port}/v1/api/v1.0/`);
    expect(await makeClient({ baseUrl: local, dispatcher }).getJson('leads', [])).toEqual({ result: [{ id: 'via-target' }] });
    expect(proxy.seen).toEqual([]);
    expect(target.seen).toHaveLength(1);
  });

  it('NO_PROXY bypasses the proxy for a matching host', async () => {
    const target = await startTarget();
    const proxy = await startProxy(target.port);
    process.env.HTTP_PROXY = proxy.url;
    process.env.NO_PROXY = 'example.org,127.0.0.1';
    // The dispatcher of a remote base URL (an EnvHttpProxyAgent), used for a host NO_PROXY lists.
    const dispatcher = dispatcherFor(REMOTE_BASE);
    const local = new URL(`http://127.0.0.1:${target.port}/v1/api/v1.0/`);
    expect(await makeClient({ baseUrl: local, dispatcher }).getJson('leads', [])).toEqual({ result: [{ id: 'via-target' }] });
    expect(proxy.seen).toEqual([]);
    expect(target.seen).toHaveLength(1);
  });

  it('the same host without NO_PROXY does go through the proxy (control for the test above)', async () => {
    const target = await startTarget();
    const proxy = await startProxy(target.port);
    process.env.HTTP_PROXY = proxy.url;
    process.env.NO_PROXY = 'example.org';
    const dispatcher = dispatcherFor(REMOTE_BASE);
    const local = new URL(`http://127.0.0.1:${target.port}/v1/api/v1.0/`);
    expect(await makeClient({ baseUrl: local, dispatcher }).getJson('leads', [])).toEqual({ result: [{ id: 'via-target' }] });
    expect(proxy.seen.map((s) => [s.method, s.url])).toEqual([['CONNECT', `127.0.0.1:${target.port}`]]);
  });

  it('an https base URL uses HTTPS_PROXY; a proxy refusing the tunnel is a transient error without the key', async () => {
    const target = await startTarget();
    const proxy = await startProxy(target.port, true);
    process.env.HTTPS_PROXY = proxy.url;
    const base = new URL('https://api.hyros.test/v1/api/v1.0/');
    const observer = new RecordingObserver();
    const error = await rejectionOf(makeClient({ baseUrl: base, dispatcher: dispatcherFor(base), maxRetries: 1 }).getJson('leads', [], { observer }));
    expect(error.failureType).toBe('transient_error');
    expect(error.message).toContain('GET /leads failed after 1 retry');
    expect(error.message).toContain('Proxy response (403) !== 200 when HTTP Tunneling');
    expect(proxy.seen.map((s) => [s.method, s.url])).toEqual([
      ['CONNECT', 'api.hyros.test:443'],
      ['CONNECT', 'api.hyros.test:443'],
    ]);
    expect(JSON.stringify(proxy.seen)).not.toContain(API_KEY);
    expect(target.seen).toEqual([]);
    expectNoKey(error, observer.retries);
  });

  it('a loopback base URL ignores HTTP_PROXY', async () => {
    const target = await startTarget();
    const proxy = await startProxy(target.port);
    process.env.HTTP_PROXY = proxy.url;
    const local = new URL(`http://127.0.0.1:${target.port}/v1/api/v1.0/`);
    expect(await makeClient({ baseUrl: local, dispatcher: dispatcherFor(local) }).getJson('leads', [])).toEqual({ result: [{ id: 'via-target' }] });
    expect(proxy.seen).toEqual([]);
  });
});
