/**
 * Streaming servers other than Mastodon, as far as the WebSocket protocol goes: one small,
 * controllable server per flavour, on 127.0.0.1 with an ephemeral port. What each does is taken
 * from the facts of its source (no code of theirs):
 *
 * - `gotosocial`: reads `{type, stream, list}` messages; a `stream` it does not know is ignored;
 *   `subscribe`/`unsubscribe` are applied and NEVER answered. Its writer sends a WebSocket ping
 *   whenever nothing was written for `pingMs`.
 * - `akkoma`: answers every `subscribe` and `unsubscribe` with an event
 *   `{"event":"pleroma:respond","payload":"{\"type\":…,\"result\":…}"}`: `success`, `ignored`
 *   (a subscribe already made, an unsubscribe of a stream not subscribed) or `error` with a code
 *   (`bad_topic`: an unknown stream, list 0, or what `refuse` says). Other message types are
 *   ignored. It pings like GoToSocial when `pingMs` is set.
 *
 * Neither has SSE endpoints: every plain HTTP request is answered 404. Events go to the sockets
 * subscribed to their stream, with Mastodon's `stream` field (`["hashtag","cats"]`).
 *
 * Pings run on `clock` when given (the test's FakeClock: virtual time, as the library's timers),
 * else on real timers. `close()` ends every socket and timer.
 */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { WebSocketServer, type WebSocket } from 'ws';

export type Flavour = 'gotosocial' | 'akkoma';

/** A client message as the server read it. */
export interface ClientMessage {
  type?: string;
  stream?: string;
  list?: string;
  tag?: string;
}

export interface OtherServerOptions {
  /** A ping after this long without a write (ms; 0 or unset: never). */
  pingMs?: number;
  /** Timers for the pings (a FakeClock); default: real timers. */
  clock?: { set(fn: () => void, ms: number): unknown; clear(id: any): void };
  /** Akkoma: the error code refusing this subscribe (e.g. `bad_topic`), or undefined to accept it. */
  refuse?: (m: ClientMessage) => string | undefined;
}

export interface OtherServer {
  flavour: Flavour;
  url: string;
  /** WebSocket upgrades accepted so far: one per socket the client opened. */
  upgrades: number;
  /** Every client message, in order, over all sockets. */
  messages: ClientMessage[];
  /** Pings sent, over all sockets. */
  pings: number;
  /** Sockets open now. */
  open(): number;
  /** Sends an event to every open socket subscribed to `stream`; returns how many got it. */
  publish(stream: string[], event: string, payload: string): number;
  close(): Promise<void>;
}

/** Streams both know (GoToSocial's status timelines; the subset of Akkoma's topics tests use). */
const KNOWN = ['user', 'user:notification', 'public', 'public:local', 'public:media', 'hashtag', 'hashtag:local', 'list', 'direct'];

/** Which subscription a message or an event's `stream` names. GoToSocial reads `list`, never `tag`. */
const keyOf = (flavour: Flavour, stream: string, param?: string): string =>
  stream + (param && (flavour == 'akkoma' || stream == 'list') ? ':' + param.toLowerCase() : '');

export async function startOtherServer(flavour: Flavour, o: OtherServerOptions = {}): Promise<OtherServer> {
  const set = o.clock ? (fn: () => void, ms: number) => o.clock!.set(fn, ms) : (fn: () => void, ms: number) => setTimeout(fn, ms);
  const clear = o.clock ? (id: unknown) => o.clock!.clear(id) : (id: unknown) => clearTimeout(id as NodeJS.Timeout);
  const sockets = new Map<WebSocket, { subs: Set<string>; timer?: unknown }>();
  const http = createServer((_req, res) => {
    res.writeHead(404, { 'content-type': 'application/json' });
    res.end('{"error":"Record not found"}');
  });
  const wss = new WebSocketServer({ server: http, path: '/api/v1/streaming' });
  const s: OtherServer = {
    flavour,
    url: '',
    upgrades: 0,
    messages: [],
    pings: 0,
    open: () => sockets.size,
    publish(stream, event, payload) {
      const key = keyOf(flavour, stream[0]!, stream[1]);
      let n = 0;
      for (const [ws, st] of sockets)
        if (st.subs.has(key)) {
          write(ws, JSON.stringify({ stream, event, payload }));
          n++;
        }
      return n;
    },
    async close() {
      for (const [ws, st] of sockets) {
        clear(st.timer);
        ws.terminate();
      }
      sockets.clear();
      await new Promise<void>((r) => wss.close(() => r()));
      http.closeAllConnections?.();
      await new Promise<void>((r) => http.close(() => r()));
    },
  };

  /** Every write re-arms the socket's ping (a ping only after `pingMs` without one). */
  const arm = (ws: WebSocket): void => {
    const st = sockets.get(ws);
    if (!st || !o.pingMs) return;
    clear(st.timer);
    st.timer = set(() => {
      if (!sockets.has(ws)) return;
      ws.ping();
      s.pings++;
      arm(ws);
    }, o.pingMs);
  };
  const write = (ws: WebSocket, text: string): void => {
    ws.send(text);
    arm(ws);
  };
  const respond = (ws: WebSocket, type: string, result: string, error?: string): void =>
    write(ws, JSON.stringify({ event: 'pleroma:respond', payload: JSON.stringify({ type, result, ...(error && { error }) }) }));

  wss.on('connection', (ws) => {
    s.upgrades++;
    const st = { subs: new Set<string>() } as { subs: Set<string>; timer?: unknown };
    sockets.set(ws, st);
    arm(ws);
    ws.on('close', () => {
      clear(st.timer);
      sockets.delete(ws);
    });
    ws.on('message', (data) => {
      let m: ClientMessage;
      try {
        m = JSON.parse(String(data));
      } catch {
        return;
      }
      s.messages.push(m);
      const { type, stream = '' } = m;
      if (type != 'subscribe' && type != 'unsubscribe') return;
      const param = stream == 'list' ? m.list : m.tag;
      const known = KNOWN.includes(stream) && !(stream == 'list' && (!param || param == '0'));
      const key = keyOf(flavour, stream, param);
      if (flavour == 'gotosocial') {
        if (!known) return;
        if (type == 'subscribe') st.subs.add(key);
        else st.subs.delete(key);
        return;
      }
      const refused = !known ? 'bad_topic' : type == 'subscribe' ? o.refuse?.(m) : undefined;
      if (refused) return respond(ws, type, 'error', refused);
      if (type == 'subscribe') {
        respond(ws, type, st.subs.has(key) ? 'ignored' : 'success');
        st.subs.add(key);
      } else {
        respond(ws, type, st.subs.delete(key) ? 'success' : 'ignored');
      }
    });
  });
  await new Promise<void>((r) => http.listen(0, '127.0.0.1', r));
  s.url = `http://127.0.0.1:${(http.address() as AddressInfo).port}`;
  return s;
}
