/** The undici dispatcher: keep-alive connections, timeouts, and HTTPS_PROXY/NO_PROXY support. */
import { Agent, EnvHttpProxyAgent, type Dispatcher } from 'undici';
import { isLoopbackHost } from '../config-common.js';

export function createDispatcher(baseUrl: URL, timeoutMs: number, connections: number): Dispatcher {
  const options = {
    connectTimeout: Math.min(timeoutMs, 30_000),
    headersTimeout: timeoutMs,
    bodyTimeout: timeoutMs,
    keepAliveTimeout: 30_000,
    connections,
  };
  // A loopback API (tests, a local proxy) never goes through a corporate proxy.
  return isLoopbackHost(baseUrl.hostname) ? new Agent(options) : new EnvHttpProxyAgent(options);
}
