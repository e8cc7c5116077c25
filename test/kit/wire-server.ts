/**
 * A tiny controllable Mastodon streaming server for the core tests, on 127.0.0.1 with an
 * ephemeral port. It speaks the SSE wire of docs/protocol.md (`:)` greeting, CORS `*`, JSON error
 * bodies) and lets a test write raw bytes, drop or end connections, stall, and fail the next
 * connections with any status.
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';

export interface RecordedRequest {
  time: number;
  method: string;
  /** Path and query, as sent. */
  url: string;
  headers: IncomingMessage['headers'];
}

export interface Conn {
  req: IncomingMessage;
  res: ServerResponse;
  openedAt: number;
  closed: boolean;
  closedAt?: number;
}

/** A status with a body, `'drop'` (destroy the socket unanswered) or `'hang'` (never answer). */
export type Answer = { status: number; body?: string; headers?: Record<string, string> } | 'drop' | 'hang';

export interface ServerOptions {
  /** First bytes of every accepted stream. Default `':)\n'`; `''` writes nothing. */
  greeting?: string;
  /** Writes `:thump\n\n` to every open stream this often (0: never, the default). */
  heartbeatMs?: number;
  /** `/api/v2/instance` and `/api/v1/instance` answers (JSON objects are sent with 200). Default 404. */
  v2?: object | Answer;
  v1?: object | Answer;
  /** `/api/v1/streaming/health`. Default 200 `OK`. */
  health?: Answer;
  /** Path prefix the streaming endpoints live under (e.g. `/streaming`). */
  prefix?: string;
  /** Called for every accepted stream after the greeting. */
  onStream?: (conn: Conn) => void;
}

export interface TestServer {
  url: string;
  port: number;
  requests: RecordedRequest[];
  /** Every stream request that was answered 200, in order. */
  conns: Conn[];
  open(): Conn[];
  /** The next `n` stream requests are answered with this. */
  failNext(n: number, answer: Answer): void;
  /** Writes to every open stream, in pieces: whole, at `splitAt` offsets, or every `chunkSize` bytes. */
  write(data: string | Uint8Array, opts?: { splitAt?: number[]; chunkSize?: number; delayMs?: number }): Promise<void>;
  /** Destroys every open stream's socket (a drop). */
  drop(): void;
  /** Ends every open stream cleanly. */
  end(): void;
  streamRequests(): RecordedRequest[];
  waitForConns(n: number, timeoutMs?: number): Promise<void>;
  close(): Promise<void>;
}

const CORS = { 'access-control-allow-origin': '*' };

function sendAnswer(res: ServerResponse, a: Answer): void {
  if (a === 'drop') {
    res.socket?.destroy();
    return;
  }
  if (a === 'hang') return;
  res.writeHead(a.status, { 'content-type': 'application/json; charset=utf-8', ...CORS, ...a.headers });
  res.end(a.body ?? '');
}

const isAnswer = (x: unknown): x is Answer => x === 'drop' || x === 'hang' || (typeof x === 'object' && x !== null && 'status' in x);

export async function startServer(options: ServerOptions = {}): Promise<TestServer> {
  const requests: RecordedRequest[] = [];
  const conns: Conn[] = [];
  const failures: Answer[] = [];
  const sockets = new Set<Socket>();
  const prefix = options.prefix ?? '';

  const server = createServer((req, res) => {
    const url = req.url ?? '/';
    requests.push({ time: Date.now(), method: req.method ?? 'GET', url, headers: req.headers });
    if (req.method === 'OPTIONS') {
      res.writeHead(204, {
        ...CORS,
        'access-control-allow-methods': 'GET',
        'access-control-allow-headers': req.headers['access-control-request-headers'] ?? '',
      });
      res.end();
      return;
    }
    const path = url.split('?')[0]!;
    if (path === '/api/v2/instance' || path === '/api/v1/instance') {
      const v = path === '/api/v2/instance' ? options.v2 : options.v1;
      if (v === undefined) return sendAnswer(res, { status: 404, body: '{"error":"Record not found"}' });
      return sendAnswer(res, isAnswer(v) ? v : { status: 200, body: JSON.stringify(v) });
    }
    if (path === prefix + '/api/v1/streaming/health') {
      const h = options.health ?? { status: 200, body: 'OK', headers: { 'content-type': 'text/plain' } };
      return sendAnswer(res, h);
    }
    if (path.startsWith(prefix + '/api/v1/streaming/')) {
      const fail = failures.shift();
      if (fail) return sendAnswer(res, fail);
      res.writeHead(200, {
        'content-type': 'text/event-stream',
        'cache-control': 'private, no-store',
        ...CORS,
      });
      const greeting = options.greeting ?? ':)\n';
      if (greeting) res.write(greeting);
      else res.flushHeaders();
      const conn: Conn = { req, res, openedAt: Date.now(), closed: false };
      conns.push(conn);
      res.on('close', () => {
        conn.closed = true;
        conn.closedAt = Date.now();
      });
      options.onStream?.(conn);
      return;
    }
    sendAnswer(res, { status: 404, body: '{"error":"Not found"}' });
  });
  server.on('connection', (s) => {
    s.setNoDelay(true);
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const port = (server.address() as AddressInfo).port;

  const heartbeat = options.heartbeatMs
    ? setInterval(() => {
        for (const c of conns) if (!c.closed) c.res.write(':thump\n\n');
      }, options.heartbeatMs)
    : undefined;

  const open = () => conns.filter((c) => !c.closed);

  const t: TestServer = {
    url: `http://127.0.0.1:${port}`,
    port,
    requests,
    conns,
    open,
    failNext(n, answer) {
      for (let i = 0; i < n; i++) failures.push(answer);
    },
    async write(data, opts = {}) {
      const bytes = typeof data === 'string' ? new TextEncoder().encode(data) : data;
      const cuts: number[] = [];
      if (opts.splitAt) cuts.push(...opts.splitAt);
      else if (opts.chunkSize) for (let i = opts.chunkSize; i < bytes.length; i += opts.chunkSize) cuts.push(i);
      const pieces: Uint8Array[] = [];
      let from = 0;
      for (const c of [...cuts, bytes.length]) {
        if (c > from) pieces.push(bytes.subarray(from, c));
        from = Math.max(from, c);
      }
      for (let i = 0; i < pieces.length; i++) {
        const targets = open();
        // A write that fills the buffer waits for drain, or for the close of a client that stopped reading.
        await Promise.all(
          targets.map(
            (c) =>
              new Promise<void>((r) => {
                if (c.res.write(pieces[i]!) || c.closed) return r();
                c.res.once('drain', r);
                c.res.once('close', r);
              }),
          ),
        );
        if (i < pieces.length - 1) {
          if (opts.delayMs) await new Promise((r) => setTimeout(r, opts.delayMs));
          else await new Promise((r) => setImmediate(r));
        }
      }
    },
    drop() {
      for (const c of open()) c.res.socket?.destroy();
    },
    end() {
      for (const c of open()) c.res.end();
    },
    streamRequests: () => requests.filter((r) => r.url.startsWith(prefix + '/api/v1/streaming/') && !r.url.startsWith(prefix + '/api/v1/streaming/health') && r.method === 'GET'),
    async waitForConns(n, timeoutMs = 3000) {
      const start = Date.now();
      while (conns.length < n) {
        if (Date.now() - start > timeoutMs) throw new Error(`waitForConns(${n}) timed out with ${conns.length}`);
        await new Promise((r) => setTimeout(r, 5));
      }
    },
    async close() {
      if (heartbeat) clearInterval(heartbeat);
      for (const s of sockets) s.destroy();
      await new Promise<void>((r) => server.close(() => r()));
    },
  };
  return t;
}

/** A port on 127.0.0.1 where nothing listens (bound, then released). */
export async function deadPort(): Promise<number> {
  const s = createServer();
  await new Promise<void>((r) => s.listen(0, '127.0.0.1', r));
  const port = (s.address() as AddressInfo).port;
  await new Promise<void>((r) => s.close(() => r()));
  return port;
}
