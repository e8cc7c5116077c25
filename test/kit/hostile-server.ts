/**
 * The hostile-server kit: one tiny `node:http` server per misbehaviour, on 127.0.0.1 with an
 * ephemeral port, that counts what the client does to it. Each test says how the server
 * answers (`behave`); the server records every request (with its time, so request storms show
 * as counts per second), keeps count of the bytes it managed to write and of the sockets still
 * open (so a test can prove the client let go of a body, or left nothing behind after
 * `close()`).
 *
 *     const s = keep(await hostileServer((req, res) => retryAfter(res, 503, '2147484')));
 *
 * The canned behaviours below cover the hostile answers of issue 13; a test can also write its
 * own `(req, res) => …`. `stalled(res)`, `endless(res)` never finish by themselves: `close()`
 * destroys every socket.
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { WebSocketServer } from 'ws';

export interface HostileRequest {
  /** `Date.now()` when it arrived (real time). */
  time: number;
  method: string;
  /** Path and query, as sent. */
  url: string;
  headers: IncomingMessage['headers'];
}

export type Behaviour = (req: IncomingMessage, res: ServerResponse, n: number) => void | Promise<void>;

export interface HostileServer {
  url: string;
  port: number;
  /** Every request, in order. */
  requests: HostileRequest[];
  /** Requests whose path starts with `prefix` (default: all). */
  count(prefix?: string): number;
  /** Bytes the server has written into response bodies so far (what `write()` accepted). */
  written(): number;
  /** Sockets still open (client connections the server has not seen closed). */
  openSockets(): number;
  close(): Promise<void>;
}

const CORS = { 'access-control-allow-origin': '*' };

/**
 * Starts a server that answers every request with `behave(req, res, n)` (`n`: 0 for the first
 * request). Preflights (OPTIONS) are answered 204 and not counted.
 */
export async function hostileServer(behave: Behaviour): Promise<HostileServer> {
  const requests: HostileRequest[] = [];
  const sockets = new Set<Socket>();
  let written = 0;
  const server = createServer((req, res) => {
    if (req.method === 'OPTIONS') {
      res.writeHead(204, { ...CORS, 'access-control-allow-headers': req.headers['access-control-request-headers'] ?? '' });
      res.end();
      return;
    }
    requests.push({ time: Date.now(), method: req.method ?? 'GET', url: req.url ?? '/', headers: req.headers });
    const write = res.write.bind(res) as (chunk: unknown, ...rest: unknown[]) => boolean;
    res.write = ((chunk: unknown, ...rest: unknown[]) => {
      written += typeof chunk == 'string' ? Buffer.byteLength(chunk) : (chunk as Uint8Array).length;
      return write(chunk, ...rest);
    }) as typeof res.write;
    void Promise.resolve(behave(req, res, requests.length - 1)).catch(() => res.socket?.destroy());
  });
  server.on('connection', (s) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const port = (server.address() as AddressInfo).port;
  return {
    url: `http://127.0.0.1:${port}`,
    port,
    requests,
    count: (prefix = '') => requests.filter((r) => r.url.startsWith(prefix)).length,
    written: () => written,
    openSockets: () => sockets.size,
    async close() {
      for (const s of sockets) s.destroy();
      server.closeAllConnections?.();
      await new Promise<void>((r) => server.close(() => r()));
    },
  };
}

/** `status` with a JSON body and the given headers, at once. */
export function answer(res: ServerResponse, status: number, body = '', headers: Record<string, string> = {}): void {
  res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', ...CORS, ...headers });
  res.end(body);
}

/** `status` (a 429 or 503, say) asking to wait: `Retry-After: value` (delta seconds or an HTTP date). */
export function retryAfter(res: ServerResponse, status: number, value: string): void {
  answer(res, status, '{"error":"Slow down"}', { 'retry-after': value });
}

/** A 200 event stream with this `Content-Type`, greeting `:)`, then `body` (if any), left open. */
export function sse(res: ServerResponse, body = '', type = 'text/event-stream'): void {
  res.writeHead(200, { 'content-type': type, 'cache-control': 'private, no-store', ...CORS });
  res.write(':)\n' + body);
}

/** A 200 event stream that is accepted and dropped at once (the socket destroyed). */
export function acceptAndDrop(res: ServerResponse): void {
  sse(res);
  setImmediate(() => res.socket?.destroy());
}

/** Headers of `status`, the first `head` bytes of a body, then nothing, ever (a slow loris). */
export function stalled(res: ServerResponse, status: number, head = '', headers: Record<string, string> = {}): void {
  res.writeHead(status, { 'content-type': 'application/json', ...CORS, ...headers });
  if (head) res.write(head);
  else res.flushHeaders();
}

/**
 * `status` with a body that never ends: `chunk` written again whenever the socket drains, until
 * the client lets go (or the server closes). A client that buffers the whole body never returns.
 */
export function endless(res: ServerResponse, status: number, chunk = Buffer.alloc(64 * 1024, 0x20), headers: Record<string, string> = {}): void {
  res.writeHead(status, { 'content-type': 'text/plain', ...CORS, ...headers });
  const pump = (): void => {
    while (!res.destroyed && res.write(chunk));
    if (!res.destroyed) res.once('drain', pump);
  };
  res.on('close', () => res.removeAllListeners('drain'));
  pump();
}

/**
 * A raw WebSocket server on 127.0.0.1 (an ephemeral port) whose behaviour the test writes on
 * `wss`; `url` is its http:// base. `close()` terminates every client, then the server.
 */
export async function hostileWsServer(): Promise<{ wss: WebSocketServer; url: string; close(): Promise<void> }> {
  const wss = new WebSocketServer({ host: '127.0.0.1', port: 0 });
  await new Promise<void>((resolve) => wss.once('listening', () => resolve()));
  return {
    wss,
    url: `http://127.0.0.1:${(wss.address() as AddressInfo).port}`,
    close() {
      for (const c of wss.clients) c.terminate();
      return new Promise<void>((resolve) => wss.close(() => resolve()));
    },
  };
}
