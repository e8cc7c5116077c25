// Bounds of the WebSocket transport against a hostile or broken streaming server: a frame far
// over maxEventBytes is refused before it is buffered (ws: maxPayload), and the HTTP probe made
// after a refused upgrade is bounded in time and aborted by close().
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { Duplex } from 'node:stream';
import { describe, expect, test } from 'vitest';
import WebSocket, { WebSocketServer } from 'ws';
import { until, useCleanup } from '../kit/index.js';
import { Mastodon, MastodonMalformedEventError, MastodonNetworkError, type MastodonOptions } from '../../src/index.js';
import { StandardLikeWebSocket } from '../kit/standard-websocket.js';

const { keep, defer } = useCleanup();


async function listen(server: Server): Promise<string> {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  defer(() => new Promise<void>((resolve) => (server.closeAllConnections(), server.close(() => resolve()))));
  return `http://127.0.0.1:${(server.address() as { port: number }).port}`;
}

const client = (url: string, o: Partial<MastodonOptions> = {}) =>
  new Mastodon({ apiBaseUrl: url, streamingBaseUrl: url, accessToken: 'tok', transport: 'websocket', WebSocket, ...o } as MastodonOptions);

describe('WebSocket limits', () => {
  test('ws: a 64 MiB frame (under the ws default of 100 MiB) is refused from its header, never buffered (memory stays under 2 × maxEventBytes)', { timeout: 30_000 }, async () => {
    const LIMIT = 16 * 1024 * 1024;
    const FRAME = 64 * 1024 * 1024;
    let written = 0;
    const server = createServer();
    const wss = new WebSocketServer({ server, perMessageDeflate: false });
    defer(() => wss.close());
    wss.on('connection', (ws) => {
      // A text frame header announcing FRAME bytes, then the bytes, 64 KiB at a time, without
      // holding them: the server's own memory stays flat.
      const socket = (ws as unknown as { _socket: Duplex })._socket;
      const header = Buffer.alloc(10);
      header[0] = 0x81;
      header[1] = 127;
      header.writeBigUInt64BE(BigInt(FRAME), 2);
      socket.write(header);
      const chunk = Buffer.alloc(64 * 1024, 0x61);
      const pump = (): void => {
        while (written < FRAME && !socket.destroyed) {
          written += chunk.length;
          if (!socket.write(chunk)) return void socket.once('drain', pump);
        }
      };
      socket.on('error', () => {});
      pump();
    });
    const url = await listen(server);
    const used = () => {
      const m = process.memoryUsage();
      return m.heapUsed + m.arrayBuffers;
    };
    global.gc?.();
    const before = used();
    let peak = before;
    const sampler = setInterval(() => (peak = Math.max(peak, used())), 5);
    defer(() => clearInterval(sampler));
    const errors: unknown[] = [];
    const h = keep(client(url).streamUser({ onAbort: (e) => errors.push(e) }, { runAsync: true, maxEventBytes: LIMIT }));
    await h.done;
    clearInterval(sampler);
    peak = Math.max(peak, used());
    expect(errors).toHaveLength(1);
    // The same outcome as an SSE event over the limit: malformed, 'Event too large'.
    expect(errors[0]).toBeInstanceOf(MastodonMalformedEventError);
    expect((errors[0] as MastodonMalformedEventError).reason).toBe('Event too large');
    expect((errors[0] as Error).message).toBe('Malformed event: Event too large');
    // Far less than the frame was ever sent, and nothing like it was held.
    expect(written).toBeLessThan(FRAME / 4);
    expect(peak - before).toBeLessThan(2 * LIMIT);
  });

  /** Refuses every upgrade (a browser sees 1006) and holds every other request open, unanswered. */
  async function refusingServer() {
    const held: { req: IncomingMessage; res: ServerResponse; closedAt?: number; at: number }[] = [];
    const server = createServer((req, res) => {
      const h = { req, res, at: Date.now() } as (typeof held)[number];
      held.push(h);
      res.on('close', () => (h.closedAt = Date.now()));
    });
    server.on('upgrade', (_req, socket: Duplex) => socket.end('HTTP/1.1 401 Unauthorized\r\nContent-Length: 0\r\n\r\n'));
    return { url: await listen(server), held };
  }

  test('the HTTP probe after a refused upgrade is aborted by close()', { timeout: 30_000 }, async () => {
    const { url, held } = await refusingServer();
    const h = keep(client(url, { WebSocket: StandardLikeWebSocket }).streamUser({}, { runAsync: true, timeoutSec: 60 }));
    await until(() => held.length == 1, { what: 'the probe' });
    expect([held[0]!.req.method, held[0]!.req.url, held[0]!.req.headers.authorization]).toEqual(['GET', '/api/v1/streaming/user', 'Bearer tok']);
    h.close();
    await until(() => held[0]!.closedAt !== undefined, { what: 'the probe aborted', timeoutMs: 5_000 });
  });

  test('the HTTP probe after a refused upgrade gives up after timeoutSec: a network failure, retried', { timeout: 30_000 }, async () => {
    const { url, held } = await refusingServer();
    const errors: unknown[] = [];
    const h = keep(client(url, { WebSocket: StandardLikeWebSocket }).streamUser({ onAbort: (e) => errors.push(e) }, { runAsync: true, reconnectAsync: true, reconnectAsyncWaitSec: 0.1, timeoutSec: 1 }));
    await until(() => errors.length >= 1, { what: 'the first failure', timeoutMs: 10_000 });
    const e = errors[0] as MastodonNetworkError;
    expect([e.constructor, e.message, e.fatal]).toEqual([MastodonNetworkError, `Could not connect to ${url}/api/v1/streaming`, false]);
    // The probe was ended by the client about timeoutSec after it began (loaded machine: +2 s).
    const [first] = held;
    await until(() => first!.closedAt !== undefined, { what: 'the probe ended' });
    expect(first!.closedAt! - first!.at).toBeGreaterThanOrEqual(900);
    expect(first!.closedAt! - first!.at).toBeLessThan(3000);
    expect(h.isAlive()).toBe(true);
  });
});
