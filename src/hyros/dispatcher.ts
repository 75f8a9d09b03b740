/** The undici dispatcher: keep-alive connections, timeouts, and HTTPS_PROXY/NO_PROXY support. */
import type { IncomingHttpHeaders } from 'node:http';
import type { Duplex } from 'node:stream';
import { Agent, EnvHttpProxyAgent, type Dispatcher } from 'undici';
import { isLoopbackHost } from '../common/config.js';

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

/**
 * The same dispatcher, calling `onWritten` with the time a request is handed to its socket (undici
 * calls `onRequestStart` right before it writes the request line). The rate limiter counts a request
 * from then, not from when it granted the slot: event-loop work and connection scheduling between
 * the two would otherwise let requests reach the server later than we counted them.
 */
export function reportingWriteTime(dispatcher: Dispatcher, onWritten: (atMs: number) => void): Dispatcher {
  return dispatcher.compose((dispatch) => (options, handler) => dispatch(options, new WriteTimeHandler(handler, onWritten)));
}

/** Forwards every callback (undici's handler interface) and reports the first write. */
class WriteTimeHandler implements Dispatcher.DispatchHandler {
  private reported = false;

  constructor(private readonly handler: Dispatcher.DispatchHandler, private readonly onWritten: (atMs: number) => void) {}

  onRequestStart(controller: Dispatcher.DispatchController, context: unknown): void {
    if (!this.reported) {
      this.reported = true;
      this.onWritten(Date.now());
    }
    this.handler.onRequestStart?.(controller, context);
  }
  onRequestUpgrade(controller: Dispatcher.DispatchController, statusCode: number, headers: IncomingHttpHeaders, socket: Duplex): void {
    this.handler.onRequestUpgrade?.(controller, statusCode, headers, socket);
  }
  onResponseStart(controller: Dispatcher.DispatchController, statusCode: number, headers: IncomingHttpHeaders, statusMessage?: string): void {
    this.handler.onResponseStart?.(controller, statusCode, headers, statusMessage);
  }
  onResponseData(controller: Dispatcher.DispatchController, chunk: Buffer): void {
    this.handler.onResponseData?.(controller, chunk);
  }
  onResponseEnd(controller: Dispatcher.DispatchController, trailers: IncomingHttpHeaders): void {
    this.handler.onResponseEnd?.(controller, trailers);
  }
  onResponseError(controller: Dispatcher.DispatchController, error: Error): void {
    this.handler.onResponseError?.(controller, error);
  }
}
