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

/** What a request's dispatch reports: when it was handed to its socket, and when its answer's headers came. */
export interface DispatchTimes {
  written(atMs: number): void;
  answered(atMs: number): void;
}

/**
 * The same dispatcher, reporting when a request is handed to its socket (undici calls
 * `onRequestStart` right before it writes the request line) and when its answer's headers arrive.
 * The rate budget counts a request from its write, not from when it let it go: event-loop work and
 * connection scheduling between the two would otherwise let requests reach the server later than
 * counted; and it measures the delay between the two.
 */
export function reportingTimes(dispatcher: Dispatcher, times: DispatchTimes): Dispatcher {
  return dispatcher.compose((dispatch) => (options, handler) => dispatch(options, new TimesHandler(handler, times)));
}

/** Forwards every callback (undici's handler interface) and reports the first write and the first answer. */
class TimesHandler implements Dispatcher.DispatchHandler {
  constructor(private readonly handler: Dispatcher.DispatchHandler, private readonly times: DispatchTimes) {}

  onRequestStart(controller: Dispatcher.DispatchController, context: unknown): void {
    this.times.written(Date.now());
    this.handler.onRequestStart?.(controller, context);
  }
  onRequestUpgrade(controller: Dispatcher.DispatchController, statusCode: number, headers: IncomingHttpHeaders, socket: Duplex): void {
    this.handler.onRequestUpgrade?.(controller, statusCode, headers, socket);
  }
  onResponseStart(controller: Dispatcher.DispatchController, statusCode: number, headers: IncomingHttpHeaders, statusMessage?: string): void {
    this.times.answered(Date.now());
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
