import { MastodonError } from '../errors/MastodonError.js';
import { MastodonMalformedEventError } from '../errors/MastodonMalformedEventError.js';
import { MastodonNetworkError } from '../errors/MastodonNetworkError.js';
import { toPayload } from '../payload.js';
import type { MastodonOptions } from '../mastodon.js';
import { clearTimer, defaultWebSocket, setTimer, type TimerId } from '../platform.js';
import { ssePath, streamName, type StreamSpec } from '../streams.js';
import { errorFromResponse } from './response-error.js';
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
/** After a subscribe, no other is sent for this long: an error arriving meanwhile is its. */
const SETTLE_MS = 250;

/** `['hashtag', 'Cats']` → `hashtag,cats`: hashtags compared the way the server normalises them. */
const keyOf = (stream: unknown): string => String(stream).normalize('NFKC').toLowerCase();

/** No socket, and no sign that the server refused the token. */
const unreachable = (): MastodonNetworkError => new MastodonNetworkError(`Could not connect to ${PATH}`);

/** A refused upgrade or subscribe; fatal as over SSE (400, 401, 404). */
const refusal = (what: string, status: number, serverMessage?: string): MastodonNetworkError =>
  new MastodonNetworkError(`${what} answered ${status}${serverMessage ? ': ' + serverMessage : ''}`, {
    status,
    serverMessage,
    fatal: status == 400 || status == 401 || status == 404,
  });

/**
 * Every stream of one client on one socket to `/api/v1/streaming`. Each handle's attempt is
 * a `Sub`; subscriptions are counted by stream (two handles on one hashtag send one
 * subscribe) and sent again on every new socket. The socket opens with the first attempt and
 * closes when the last one leaves; a drop ends every attempt, and each handle's own loop
 * reconnects (the first of them reopens the socket, the others join it).
 *
 * The server does not say which subscribe an error belongs to, so subscribes go out one at a
 * time, `SETTLE_MS` apart, and an error belongs to the latest subscribe sent.
 *
 * Liveness: browsers never see the server's pings, and a quiet stream sends nothing. Every
 * `keepaliveSec` (20 s) the socket repeats the subscribe of an active stream, which the server
 * ignores; that traffic also keeps a Chrome MV3 service worker alive. Where the socket is an
 * EventEmitter (the `ws` package) it also pings, and pings and pongs count as activity, so
 * silence past `timeoutSec` is a dead socket. Elsewhere nothing can prove the socket alive, so
 * a keepalive that left the send buffer counts as activity: a dead socket is then found by the
 * runtime when those sends fail (close 1006), by `online`, or by the frozen-timer check.
 */
export class WsTransport {
  private _ws?: any;
  private readonly _subs = new Set<Sub>();
  /** Streams subscribed on the current socket, by key. */
  private readonly _sent = new Map<string, StreamSpec>();
  /** The latest subscribe sent: the one a subscribe error belongs to. */
  private _last?: string;
  private _settle?: TimerId | undefined;
  private _keepalive?: TimerId | undefined;
  /** The streaming base URL (http or https) of the current socket. */
  private _base = '';
  /** The WebSocket class is an EventEmitter (`ws`): it takes headers and shows pings, pongs and refusals. */
  private _emitter = false;
  private readonly _o: MastodonOptions & { keepaliveSec?: number };
  private readonly _WS: any;
  private readonly _baseFn: () => Promise<string>;
  private readonly _fetch: () => typeof fetch;

  /**
   * `options`: the client's (`WebSocket`, `accessToken`, `userAgent`, `tokenInQuery`, and the
   * internal `keepaliveSec` for tests); `base` resolves the streaming base URL (discovery).
   */
  constructor(options: MastodonOptions, base: () => Promise<string>, fetchFn: () => typeof fetch) {
    this._o = options;
    // Throws at once in a runtime without WebSocket when none was passed.
    this._WS = options.WebSocket ?? defaultWebSocket();
    this._baseFn = base;
    this._fetch = fetchFn;
  }

  connect(spec: StreamSpec, hooks: ConnectionHooks, signal: AbortSignal, max: number): Promise<void> {
    return new Promise((resolve, reject) => {
      // A handle that gives up on a working socket (read timeout, frozen runtime, `online`)
      // says so by aborting with its error: the socket is suspect for every stream on it.
      const onAbort = () => (signal.reason instanceof MastodonError && sub._open ? this._drop(signal.reason) : this._end(sub));
      // The handle aborts every attempt once it is over: the listener then finds the sub gone.
      const sub: Sub = { _key: keyOf(streamName(spec)), _spec: spec, _hooks: hooks, _max: max, _done: (err) => (err ? reject(err) : resolve()) };
      signal.addEventListener('abort', onAbort);
      this._subs.add(sub);
      if (this._ws) this._pump();
      else {
        // Marks the socket as on its way until the real one exists.
        const me = (this._ws = {});
        // No cause: a runtime's message may quote the URL or the subprotocol, and so the token.
        this._connect(me).catch(() => this._ws === me && this._drop(unreachable()));
      }
    });
  }

  private async _connect(me: object): Promise<void> {
    const o = this._o;
    const token = o.accessToken;
    const base = await this._baseFn();
    if (this._ws !== me) return;
    this._base = base;
    // The token: in the query only on request; in a header where the class takes headers
    // (`ws`, an EventEmitter); otherwise as the single subprotocol, as browsers allow.
    const emitter = (this._emitter = typeof this._WS.prototype?.on == 'function');
    const headers: Record<string, string> = o.userAgent ? { 'User-Agent': o.userAgent } : {};
    let url = base.replace(/^http/, 'ws') + PATH;
    let protocol: string | undefined;
    if (token) {
      if (o.tokenInQuery) url += '?access_token=' + encodeURIComponent(token);
      else if (emitter) headers.Authorization = 'Bearer ' + token;
      else protocol = token;
    }
    const ws = (this._ws = new this._WS(url, protocol, { headers }));
    let opened = false;
    let refused: MastodonNetworkError | undefined;
    const alive = () => this._ws === ws && this._alive();
    ws.onopen = () => {
      if (this._ws !== ws) return;
      opened = true;
      this._tick();
      this._pump();
    };
    ws.onmessage = (e: { data: string }) => this._ws === ws && this._message(e.data);
    ws.onerror = () => {};
    ws.onclose = async (e: { code: number }) => {
      if (this._ws !== ws) return;
      // A killed session closes with 1005: a clean end, as an SSE stream's end.
      let err = opened ? (e.code == 1005 ? undefined : new MastodonNetworkError(`${PATH} closed with code ${e.code}`)) : refused;
      // A browser shows a refused upgrade only as 1006: ask over HTTP whether the token is refused.
      if (!opened && !err) err = await this._probe();
      if (this._ws === ws) this._drop(err);
    };
    if (emitter) {
      ws.on('ping', alive);
      ws.on('pong', alive);
      // `ws` shows a refused upgrade's status here (and then waits for us to end the handshake).
      ws.on('unexpected-response', (_req: unknown, res: { statusCode: number; headers: Record<string, string> }) => {
        refused = refusal(PATH, res.statusCode, res.headers['x-error-message']);
        ws.terminate();
      });
    }
  }

  /** An HTTP GET of the first stream's SSE path with the token in the header: a 401 there is fatal. */
  private async _probe(): Promise<MastodonNetworkError> {
    const sub = this._subs.values().next().value;
    if (sub) {
      const path = ssePath(sub._spec);
      const token = this._o.accessToken;
      try {
        const res = await this._fetch()(this._base + path, {
          headers: token ? { Authorization: 'Bearer ' + token } : {},
          credentials: 'omit',
          cache: 'no-store',
        });
        if (res.status == 401) return await errorFromResponse(res, path);
        void res.body?.cancel().catch(() => {});
      } catch {
        // unreachable: a network failure
      }
    }
    return unreachable();
  }

  private _send(type: string, spec: StreamSpec): void {
    this._ws.send(JSON.stringify({ type, stream: spec.type, tag: spec.tag, list: spec.list }));
  }

  /** Sends the next subscribe that is due, or opens the attempts whose subscribe has settled. */
  private _pump(): void {
    if (this._settle || this._ws.readyState !== 1) return;
    for (const sub of this._subs) {
      const key = sub._key;
      if (!this._sent.has(key)) {
        this._sent.set(key, sub._spec);
        this._last = key;
        this._send('subscribe', sub._spec);
        this._settle = setTimer(() => {
          this._settle = undefined;
          this._pump();
        }, SETTLE_MS);
        return;
      }
      this._opened(sub);
    }
  }

  private _opened(sub: Sub): void {
    if (!sub._open) {
      sub._open = true;
      sub._hooks.open();
      // A settled subscribe is this stream's greeting (SSE's `:)`): the socket is receiving.
      sub._hooks.activity();
    }
  }

  private _alive(): void {
    for (const sub of this._subs) sub._hooks.activity();
  }

  private readonly _tick = (): void => {
    this._keepalive = setTimer(this._tick, (this._o.keepaliveSec ?? 20) * 1000);
    const ws = this._ws;
    const key = this._sent.keys().next().value;
    // Not while a subscribe settles: its error must not be blamed on the keepalive.
    if (key !== undefined && !this._settle) {
      this._last = key;
      this._send('subscribe', this._sent.get(key)!);
    }
    if (this._emitter) ws.ping();
    else if (!ws.bufferedAmount) this._alive();
  };

  private _message(data: string): void {
    this._alive();
    let m: any;
    try {
      m = JSON.parse(data);
    } catch (cause) {
      return this._drop(new MastodonMalformedEventError('Bad JSON', data, { cause }));
    }
    const key = this._last;
    const spec = this._sent.get(key!);
    if (m?.error !== undefined) {
      // `{"error": "…", "status": 401}`: the latest subscribe failed; the socket stays open.
      if (!spec) return;
      this._sent.delete(key!);
      const err = refusal('Subscribe to ' + streamName(spec).join(' '), m.status, m.error);
      for (const sub of this._subs) if (sub._key === key) this._end(sub, err);
      return;
    }
    if (!m?.event) return;
    const to = keyOf(m.stream);
    for (const sub of this._subs) {
      if (sub._key !== to) continue;
      try {
        if (data.length > sub._max) throw new MastodonMalformedEventError('Event too large');
        // The payload is a string holding the JSON: parsed once more, ids kept as strings.
        const payload = typeof m.payload == 'string' ? toPayload(m.event, m.payload) : m.payload;
        // An event proves the subscribe worked, even while it still settles.
        this._opened(sub);
        sub._hooks.event(m.event, payload, m.stream);
      } catch (err) {
        this._end(sub, err as MastodonError);
      }
    }
  }

  /** One attempt ends: the stream is unsubscribed when no other attempt needs it; the socket closes with the last. */
  private _end(sub: Sub, err?: MastodonError): void {
    if (!this._subs.delete(sub)) return;
    sub._done(err);
    const key = sub._key;
    const spec = this._sent.get(key);
    if (!this._subs.size) this._reset();
    else if (spec && ![...this._subs].some((s) => s._key === key)) {
      this._sent.delete(key);
      this._send('unsubscribe', spec);
    }
  }

  /** The socket is gone: every attempt ends with `err` (none: a clean end). */
  private _drop(err?: MastodonError): void {
    this._reset();
    for (const sub of this._subs) this._end(sub, err);
  }

  private _reset(): void {
    const ws = this._ws;
    this._ws = undefined;
    this._sent.clear();
    clearTimer(this._settle);
    clearTimer(this._keepalive);
    this._settle = this._keepalive = undefined;
    ws?.close?.();
  }
}
