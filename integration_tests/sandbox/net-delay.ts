/**
 * A loopback TCP proxy that behaves like a real network between a client and the sandbox: every
 * chunk of bytes, in both directions, is cut into pieces of at most `pieceBytes`, and each piece is
 * delayed independently by a random `minMs`–`maxMs`. Within one connection the bytes keep their
 * order (TCP delivers in order: a piece never overtakes the one before it, so a late piece holds
 * back the rest), across connections nothing is ordered: requests sent together reach the server
 * in another order, and a response arrives in pieces spread over up to `maxMs`.
 *
 *   const proxy = await startDelayProxy({ targetPort: sandboxPort, minMs: 20, maxMs: 100 });
 *   // point the client at http://127.0.0.1:${proxy.port}…; await proxy.close()
 */
import { createServer, connect, type Socket } from 'node:net';
import type { AddressInfo } from 'node:net';

export interface DelayProxyOptions {
  targetPort: number;
  targetHost?: string;
  minMs: number;
  maxMs: number;
  /** Largest piece a chunk is cut into (default 16 KiB, about what one TCP window round carries). */
  pieceBytes?: number;
  random?: () => number;
}

export interface DelayProxy {
  port: number;
  /** Pieces delivered so far (both directions). */
  pieces(): number;
  close(): Promise<void>;
}

export async function startDelayProxy(options: DelayProxyOptions): Promise<DelayProxy> {
  const random = options.random ?? Math.random;
  const pieceBytes = Math.max(1, options.pieceBytes ?? 16 * 1024);
  const delay = () => options.minMs + random() * (options.maxMs - options.minMs);
  const sockets = new Set<Socket>();
  const timers = new Set<NodeJS.Timeout>();
  let delivered = 0;

  /** Forwards `from` → `to` piece by piece, each delayed, in order; ends `to` after the last piece. */
  const pipe = (from: Socket, to: Socket) => {
    // One queue and one timer per direction: pieces leave in the order they came, each no earlier
    // than its own due time (a late piece holds back the ones behind it, as TCP does).
    const queue: Array<{ atMs: number; piece: Buffer | null }> = [];
    let timer: NodeJS.Timeout | undefined;
    const flush = () => {
      if (timer !== undefined) timers.delete(timer);
      timer = undefined;
      while (queue.length > 0 && (queue[0] as { atMs: number }).atMs <= Date.now()) {
        const { piece } = queue.shift() as { piece: Buffer | null };
        if (to.destroyed) continue;
        if (piece === null) to.end();
        else {
          delivered++;
          to.write(piece);
        }
      }
      const next = queue[0];
      if (next) {
        timer = setTimeout(flush, Math.max(1, next.atMs - Date.now()));
        timers.add(timer);
      }
    };
    const push = (piece: Buffer | null) => {
      queue.push({ atMs: Date.now() + (piece === null ? 0 : delay()), piece });
      if (timer === undefined) {
        timer = setTimeout(flush, Math.max(1, (queue[0] as { atMs: number }).atMs - Date.now()));
        timers.add(timer);
      }
    };
    from.on('data', (chunk: Buffer) => {
      for (let offset = 0; offset < chunk.length; offset += pieceBytes) push(chunk.subarray(offset, offset + pieceBytes));
    });
    from.on('end', () => push(null));
  };

  // Half-open sockets: an end travels (delayed) behind the last piece, as a FIN does.
  const server = createServer({ allowHalfOpen: true }, (client) => {
    const upstream = connect({ port: options.targetPort, host: options.targetHost ?? '127.0.0.1', allowHalfOpen: true });
    for (const socket of [client, upstream]) {
      sockets.add(socket);
      socket.setNoDelay(true);
      socket.on('close', () => sockets.delete(socket));
    }
    // An error on either side ends both (the other side sees a reset, as through a real network).
    const fail = () => {
      client.destroy();
      upstream.destroy();
    };
    client.on('error', fail);
    upstream.on('error', fail);
    client.on('close', (hadError) => hadError && upstream.destroy());
    upstream.on('close', (hadError) => hadError && client.destroy());
    pipe(client, upstream);
    pipe(upstream, client);
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  return {
    port: (server.address() as AddressInfo).port,
    pieces: () => delivered,
    close: () =>
      new Promise<void>((resolve) => {
        for (const timer of timers) clearTimeout(timer);
        timers.clear();
        for (const socket of sockets) socket.destroy();
        server.close(() => resolve());
      }),
  };
}
