/**
 * A raw WebSocket server on 127.0.0.1 for replaying recorded frames byte for byte: it completes
 * the handshake itself (so nothing re-frames what a test writes), records the client's text
 * messages, answers pings and close frames, and writes server frames in any chunking — one TCP
 * write per frame, all frames in one write, byte by byte, or each message as WebSocket
 * continuation fragments. Not a Mastodon: the fake Mastodon (test/fake-mastodon) is that.
 */
import { createHash } from 'node:crypto';
import { createServer, type IncomingMessage } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { setImmediate as turn } from 'node:timers/promises';

export type Chunking = 'frame per write' | 'one write' | 'byte by byte' | 'fragmented';
export const CHUNKINGS: readonly Chunking[] = ['frame per write', 'one write', 'byte by byte', 'fragmented'];

export interface WsPeer {
  req: IncomingMessage;
  socket: Socket;
  /** The client's text messages, parsed as JSON where they are JSON. */
  messages: unknown[];
  /** Called with each client message as it arrives (set it in `onPeer`). */
  onMessage?: (message: unknown) => void;
  closed: boolean;
  /** Writes text messages as server frames, chunked as asked; resolves once written. Sends are
   * queued: one never interleaves its bytes with another's. */
  send(texts: string[], chunking: Chunking): Promise<void>;
  /** A close frame without a status code (the peer sees 1005), then the end of the TCP stream. */
  closeWithoutCode(): Promise<void>;
}

export interface WsWireServer {
  url: string;
  peers: WsPeer[];
  close(): Promise<void>;
}

/** One server frame: FIN + opcode, unmasked payload. */
export function frame(opcode: number, payload: Uint8Array, fin = true): Buffer {
  const n = payload.length;
  const head = n < 126 ? Buffer.from([0, n]) : n < 65536 ? Buffer.from([0, 126, n >> 8, n & 255]) : Buffer.alloc(10);
  if (n >= 65536) {
    head[1] = 127;
    head.writeBigUInt64BE(BigInt(n), 2);
  }
  head[0] = (fin ? 0x80 : 0) | opcode;
  return Buffer.concat([head, payload]);
}

/** `text` as a text frame, or as continuation fragments of `size` payload bytes. */
function framesOf(text: string, fragmentBytes?: number): Buffer[] {
  const payload = Buffer.from(text, 'utf8');
  if (!fragmentBytes || payload.length <= fragmentBytes) return [frame(1, payload)];
  const out: Buffer[] = [];
  for (let at = 0; at < payload.length; at += fragmentBytes) {
    const last = at + fragmentBytes >= payload.length;
    out.push(frame(at === 0 ? 1 : 0, payload.subarray(at, at + fragmentBytes), last));
  }
  return out;
}

export async function startWsWireServer(onPeer: (peer: WsPeer) => void): Promise<WsWireServer> {
  const peers: WsPeer[] = [];
  const sockets = new Set<Socket>();
  const server = createServer((req, res) => {
    // Anything but the upgrade (a health probe, say) gets a plain answer.
    res.writeHead(req.url?.startsWith('/api/v1/streaming/health') ? 200 : 404, { 'content-type': 'text/plain' });
    res.end(req.url?.startsWith('/api/v1/streaming/health') ? 'OK' : 'Not found');
  });
  server.on('connection', (s) => {
    s.setNoDelay(true);
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
  });
  server.on('upgrade', (req, socket: Socket) => {
    socket.on('error', () => {});
    const key = String(req.headers['sec-websocket-key'] ?? '');
    const accept = createHash('sha1').update(key + '258EAFA5-E914-47DA-95CA-C5AB0DC85B11').digest('base64');
    const proto = req.headers['sec-websocket-protocol'];
    socket.write(
      'HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n' +
        `Sec-WebSocket-Accept: ${accept}\r\n` +
        (proto ? `Sec-WebSocket-Protocol: ${String(proto).split(',')[0]!.trim()}\r\n` : '') +
        '\r\n',
    );
    const write = (b: Uint8Array) => new Promise<void>((r) => (socket.destroyed ? r() : socket.write(b, () => r())));
    let queue = Promise.resolve();
    const queued = (fn: () => Promise<void>): Promise<void> => (queue = queue.then(fn));
    const peer: WsPeer = {
      req,
      socket,
      messages: [],
      closed: false,
      send(texts, chunking) {
        return queued(async () => {
          const frames = texts.map((t) => framesOf(t, chunking === 'fragmented' ? 16 : undefined));
          if (chunking === 'one write') return write(Buffer.concat(frames.flat()));
          for (const f of frames.flat()) {
            if (chunking === 'byte by byte') {
              for (let i = 0; i < f.length; i++) {
                await write(f.subarray(i, i + 1));
                await turn();
              }
            } else {
              await write(f);
              await turn();
            }
          }
        });
      },
      closeWithoutCode() {
        return queued(async () => {
          await write(frame(8, new Uint8Array(0)));
          socket.end();
        });
      },
    };
    socket.on('close', () => (peer.closed = true));
    // Client frames: masked; text messages recorded, pings answered, a close echoed.
    let buf = Buffer.alloc(0);
    let parts: Buffer[] = [];
    socket.on('data', (d: Buffer) => {
      buf = Buffer.concat([buf, d]);
      for (;;) {
        if (buf.length < 2) return;
        const fin = (buf[0]! & 0x80) !== 0;
        const op = buf[0]! & 0x0f;
        let len = buf[1]! & 0x7f;
        let at = 2;
        if (len === 126) {
          if (buf.length < 4) return;
          len = buf.readUInt16BE(2);
          at = 4;
        } else if (len === 127) {
          if (buf.length < 10) return;
          len = Number(buf.readBigUInt64BE(2));
          at = 10;
        }
        const masked = (buf[1]! & 0x80) !== 0;
        const mask = masked ? buf.subarray(at, at + 4) : undefined;
        if (masked) at += 4;
        if (buf.length < at + len) return;
        const payload = Buffer.from(buf.subarray(at, at + len));
        if (mask) for (let i = 0; i < payload.length; i++) payload[i]! ^= mask[i % 4]!;
        buf = buf.subarray(at + len);
        if (op === 9) void queued(() => write(frame(10, payload)));
        else if (op === 8) {
          if (!socket.destroyed) socket.end(frame(8, payload.subarray(0, 2)));
        } else if (op === 1 || op === 0) {
          parts.push(payload);
          if (fin) {
            const text = Buffer.concat(parts).toString('utf8');
            parts = [];
            let msg: unknown = text;
            try {
              msg = JSON.parse(text);
            } catch {
              /* not JSON: kept as text */
            }
            peer.messages.push(msg);
            peer.onMessage?.(msg);
          }
        }
      }
    });
    peers.push(peer);
    onPeer(peer);
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    peers,
    async close() {
      for (const s of sockets) s.destroy();
      await new Promise<void>((r) => server.close(() => r()));
    },
  };
}
