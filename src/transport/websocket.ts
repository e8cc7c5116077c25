import { MastodonError } from '../errors/MastodonError.js';
import { MastodonMalformedEventError } from '../errors/MastodonMalformedEventError.js';
import { MastodonNetworkError } from '../errors/MastodonNetworkError.js';
import { toPayload } from '../payload.js';
import type { MastodonOptions } from '../mastodon.js';
import { clearTimer, defaultWebSocket, setTimer, type TimerId } from '../platform.js';
import { ssePath, type StreamSpec } from '../streams.js';
import { errorFromResponse, refusal } from './response-error.js';
import type { ConnectionHooks } from './types.js';

/** One `connect()` call: one handle's current attempt on the shared socket. */
interface Sub {
  _key: string;
  _spec: StreamSpec;
  _hooks: ConnectionHooks;
  _max: number;
  _open?: boolean;
  /** Settles the `connect()` promise; without an error it resolves (a clean end). */
  _done: (err?: MastodonError) => void;
}

const PATH = '/api/v1/streaming';

/** `['hashtag', 'Cats']` → `hashtag,cats`: hashtags compared the way the server normalises them. */
const keyOf = (stream: unknown): string => String(stream).normalize('NFKC').toLowerCase();

/** No socket, and no sign that the server refused the token. */
const unreachable = (): MastodonNetworkError => new MastodonNetworkError('Could not connect to ' + PATH);

/**
 * Every stream of one client on one socket to `/api/v1/streaming`. Each handle's attempt is
 * a `Sub`; subscriptions are counted by stream (two handles on one hashtag send one
 * subscribe) and sent again on every new socket. The socket opens with the first attempt and
 * closes when the last one leaves; a drop ends every attempt, and each handle's own loop
 * reconnects (the first of them reopens the socket, the others join it).
 *
 * The server does not say which subscribe an error belongs to. So the subscribes that are due go
 * out together, and nothing else goes out for 250 ms: without an error then, all of them
 * worked. If an error came, each of them that no event has proven since is subscribed again on
 * its own (the server ignores a duplicate subscribe), 250 ms apart, so that an error belongs to
 * the one subscribe then in flight. N streams are live after 250 ms, not N × 250 ms.
 *
 * Liveness: browsers never see the server's pings, and a quiet stream sends nothing. Every
 * `keepaliveSec` (20 s) the socket repeats the subscribe of an active stream, which the server
 * ignores; that traffic also keeps a Chrome MV3 service worker alive. Where the socket is an
 * EventEmitter (the `ws` package) it also pings, and pings and pongs count as activity, so
 * silence past `timeoutSec` is a dead socket. Elsewhere nothing can prove the socket alive, so
 * a keepalive that left the send buffer counts as activity: a dead socket is then found by the
 * runtime when those sends fail (close 1006), by `online`, or by the frozen-timer check.
 *
 * (The state lives in a closure made by the constructor rather than in members: it minifies
 * far smaller.)
 */
export class WsTransport {
  /** One attempt of one handle, as `Transport.connect`; `max` is the handle's `maxEventBytes`. */
  declare readonly connect: (spec: StreamSpec, hooks: ConnectionHooks, signal: AbortSignal, max: number) => Promise<void>;

  /**
   * `o`: the client's options (`WebSocket`, `accessToken`, `userAgent`, `tokenInQuery`, and the
   * internal `keepaliveSec` for tests); `baseFn` resolves the streaming base URL (discovery).
   */
  constructor(o: MastodonOptions & { keepaliveSec?: number }, baseFn: () => Promise<string>, fetchFn: () => typeof fetch) {
    // Throws at once in a runtime without WebSocket when none was passed.
    const WS: any = o.WebSocket ?? defaultWebSocket();
    const subs = new Set<Sub>();
    /** Streams subscribed on the current socket, by key. */
    const sent = new Map<string, StreamSpec>();
    /** The socket; `{}` while it is on its way. */
    let ws: any;
    /** The latest subscribe sent alone: the one a subscribe error belongs to, when no batch is in flight. */
    let last: string;
    /** The subscribes in flight (within their 250 ms), and whether an error came for one of them. */
    let batch: string[] = [];
    let blamed = false;
    /** Subscribes to send again one at a time, after an error that a batch cannot attribute. */
    let recheck: string[] = [];
    let settle: TimerId | undefined;
    /** Set from the socket's `open` on (so it also tells whether the current socket opened). */
    let keepalive: TimerId | undefined;
    /** The streaming base URL (http or https) of the current socket. */
    let base: string;
    /** The WebSocket class is an EventEmitter (`ws`): it takes headers and shows pings, pongs and refusals. */
    const emitter = typeof WS.prototype?.on == 'function';

    /** Sends a (un)subscribe for the stream `key` names in `sent`. */
    const send = (type: string, key: string): void => {
      const [stream, param] = sent.get(key)!;
      ws.send(JSON.stringify({ type, stream, [stream == 'list' ? 'list' : 'tag']: param }));
    };

    const alive = (): void => {
      for (const sub of subs) sub._hooks.activity();
    };

    const opened = (sub: Sub): void => {
      if (!sub._open) {
        sub._open = true;
        sub._hooks.open();
        // A settled subscribe is this stream's greeting (SSE's `:)`): the socket is receiving.
        sub._hooks.activity();
      }
    };

    /** Sends the subscribes that are due, or opens the attempts whose subscribe has settled. */
    const pump = (): void => {
      if (settle || ws.readyState != 1) return;
      // The next one to recheck (still wanted, and no attempt on it proven by an event), else
      // every stream not yet subscribed on this socket.
      let key: string | undefined;
      while ((key = recheck.shift()) && !(sent.has(key) && [...subs].some((s) => s._key == key && !s._open)));
      if (key) batch = [key];
      else for (const sub of subs) if (!sent.has(sub._key)) sent.set(sub._key, sub._spec), batch.push(sub._key);
      if (batch.length) {
        for (const k of batch) send('subscribe', (last = k));
        // Nothing else goes out for 250 ms: an error arriving meanwhile is this batch's.
        settle = setTimer(() => {
          if (blamed && batch.length > 1) recheck = batch;
          settle = undefined;
          batch = [];
          blamed = false;
          pump();
        }, 250);
        return;
      }
      // Every subscribe has settled (the rechecks too: the loop above emptied them).
      for (const sub of subs) opened(sub);
    };

    const tick = (): void => {
      keepalive = setTimer(tick, (o.keepaliveSec ?? 20) * 1000);
      const [key] = sent.keys();
      // Not while a subscribe settles: its error must not be blamed on the keepalive.
      if (key && !settle) send('subscribe', (last = key));
      if (emitter) ws.ping();
      else if (!ws.bufferedAmount) alive();
    };

    /** One attempt ends: the stream is unsubscribed when no other attempt needs it; the socket closes with the last. */
    const end = (sub: Sub, err?: MastodonError): void => {
      if (!subs.delete(sub)) return;
      sub._done(err);
      const key = sub._key;
      if (!subs.size) reset();
      else if (sent.has(key) && ![...subs].some((s) => s._key == key)) {
        send('unsubscribe', key);
        sent.delete(key);
      }
    };

    /** The socket is gone: every attempt ends with `err` (none: a clean end). */
    const drop = (err?: MastodonError): void => {
      reset();
      for (const sub of subs) end(sub, err);
    };

    const reset = (): void => {
      const old = ws;
      clearTimer(settle);
      clearTimer(keepalive);
      settle = keepalive = ws = undefined;
      batch = [];
      recheck = [];
      blamed = false;
      sent.clear();
      old?.close?.();
    };

    const message = (data: string): void => {
      alive();
      let m: any;
      try {
        // The message itself read as event data (as JSON.parse would read it: as a string): JSON, else
        // `Bad JSON` (bare digits stay a string, ignored below as a number would be).
        m = toPayload('', '' + data);
      } catch (err) {
        return drop(err as MastodonError);
      }
      let to: string;
      let err: MastodonError | undefined;
      if (m?.error !== undefined) {
        // `{"error": "…", "status": 401}`: a subscribe failed; the socket stays open. In a batch
        // of several, which one is found by rechecking them one at a time.
        if (batch.length > 1) return void (blamed = true);
        const spec = sent.get((to = last));
        if (!spec) return;
        sent.delete(to);
        err = refusal('Subscribe to ' + spec.join(' '), m.status, m.error);
      } else if (m?.event) to = keyOf(m.stream);
      else return;
      for (const sub of subs)
        if (sub._key == to)
          try {
            if (err) throw err;
            if (data.length > sub._max) throw new MastodonMalformedEventError('Event too large');
            // The payload is a string holding the JSON: parsed once more, ids kept as strings.
            const payload = typeof m.payload == 'string' ? toPayload(m.event, m.payload) : m.payload;
            // An event proves the subscribe worked, even while it still settles.
            opened(sub);
            sub._hooks.event(m.event, payload, m.stream);
          } catch (e) {
            end(sub, e as MastodonError);
          }
    };

    /**
     * An HTTP GET of the first stream's SSE path with the token in the header: a 401 there is
     * fatal. Called only while the socket is current, so there is an attempt.
     */
    const probe = async (): Promise<MastodonNetworkError> => {
      const [sub] = subs;
      const path = ssePath(sub!._spec);
      const token = o.accessToken;
      try {
        const res = await fetchFn()(base + path, {
          headers: token ? { Authorization: 'Bearer ' + token } : {},
          credentials: 'omit',
          cache: 'no-store',
        });
        if (res.status == 401) return await errorFromResponse(res, path);
        void res.body?.cancel().catch(() => {});
      } catch {
        // unreachable: a network failure
      }
      return unreachable();
    };

    /** Opens the socket that `me` stands for until it exists. */
    const open = async (me: object): Promise<void> => {
      const token = o.accessToken;
      const b = await baseFn();
      if (ws !== me) return;
      base = b;
      // The token: in the query only on request; in a header where the class takes headers
      // (`ws`, an EventEmitter); otherwise as the single subprotocol, as browsers allow.
      const agent = o.userAgent;
      const headers: Record<string, string> = {};
      if (agent) headers['User-Agent'] = agent;
      let url = b.replace(/^http/, 'ws') + PATH;
      let protocol: string | undefined;
      if (token) {
        if (o.tokenInQuery) url += '?access_token=' + encodeURIComponent(token);
        else if (emitter) headers.Authorization = 'Bearer ' + token;
        else protocol = token;
      }
      const s = (ws = new WS(url, protocol, { headers }));
      let refused: MastodonNetworkError | undefined;
      const pinged = () => ws === s && alive();
      s.onopen = () => {
        if (ws === s) {
          tick();
          pump();
        }
      };
      s.onmessage = (e: { data: string }) => ws === s && message(e.data);
      s.onerror = () => {};
      s.onclose = async (e: { code: number }) => {
        if (ws !== s) return;
        // A killed session closes with 1005: a clean end, as an SSE stream's end.
        // A browser shows a refused upgrade only as 1006: ask over HTTP whether the token is refused.
        const err = keepalive ? (e.code == 1005 ? undefined : new MastodonNetworkError(`${PATH} closed with code ${e.code}`)) : (refused ?? (await probe()));
        if (ws === s) drop(err);
      };
      if (emitter) {
        s.on('ping', pinged);
        s.on('pong', pinged);
        // `ws` shows a refused upgrade's status here (and then waits for us to end the handshake).
        s.on('unexpected-response', (_req: unknown, res: { statusCode: number; headers: Record<string, string> }) => {
          refused = refusal(PATH, res.statusCode, res.headers['x-error-message']);
          s.terminate();
        });
      }
    };

    this.connect = (spec, hooks, signal, max) =>
      new Promise((resolve, reject) => {
        const sub: Sub = { _key: keyOf(spec), _spec: spec, _hooks: hooks, _max: max, _done: (err) => (err ? reject(err) : resolve()) };
        // A handle that gives up on a working socket (read timeout, frozen runtime, `online`)
        // says so by aborting with its error: the socket is suspect for every stream on it.
        // The handle aborts every attempt once it is over: the listener then finds the sub gone.
        // (The handle gives each attempt a signal of its own: `onabort` is ours.)
        signal.onabort = () => (signal.reason instanceof MastodonError && sub._open ? drop(signal.reason) : end(sub));
        subs.add(sub);
        if (ws) pump();
        else {
          // Marks the socket as on its way until the real one exists.
          const me = (ws = {});
          // No cause: a runtime's message may quote the URL or the subprotocol, and so the token.
          open(me).catch(() => ws === me && drop(unreachable()));
        }
      });
  }
}
