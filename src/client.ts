// Value imports in the order that lays the script-tag bundle out smallest (docs/size.md).
import { streamingBaseFrom } from './url.js';
import { Stream, type EventGate, type StreamHandle } from './handle.js';
import { discoverStreamingBase } from './discovery.js';
import { Dispatcher, type Listener } from './listener.js';
import { bad, check, CLIENT_OPTIONS, DEFAULTS, type StreamOptions } from './options.js';
import { abortController, defaultFetch } from './platform.js';
import { get } from './request.js';
import { publicType, streamSpec, type StreamParams, type StreamSpec, type StreamType } from './streams.js';
import type { ResolvedStreamOptions } from './options.js';
import type { ClientContext, Transport } from './transport/types.js';

export interface MastodonOptions {
  /** The instance, e.g. `https://mastodon.example`; `https://` is assumed, one trailing slash dropped. */
  apiBaseUrl: string;
  /** A user access token; needed for every stream since Mastodon 4.2, not for `streamHealthy()`. */
  accessToken?: string;
  /** Skip discovery and stream from here. */
  streamingBaseUrl?: string;
  /** `'sse'` (default) or `'websocket'`. */
  transport?: 'sse' | 'websocket';
  /** A fetch implementation; defaults to `globalThis.fetch`. */
  fetch?: typeof fetch;
  /** A WebSocket class, for runtimes without one (Node 20: the `ws` package). */
  WebSocket?: unknown;
  /** WebSocket only: send the token as `?access_token=` (it may end up in server logs). Default false. */
  tokenInQuery?: boolean;
  /** Sent as `User-Agent` where the runtime lets a script set it. */
  userAgent?: string;
  /** Connect timeout, seconds (Mastodon.py's `request_timeout`). Default 300. */
  requestTimeoutSec?: number;
}

/** Options for `streamPublic`. */
export interface PublicStreamOptions extends StreamOptions {
  local?: boolean;
  remote?: boolean;
  onlyMedia?: boolean;
}

/** Options for `streamHashtag`. */
export interface HashtagStreamOptions extends StreamOptions {
  local?: boolean;
}

type Async<O> = O & { runAsync: true };
type Blocking<O> = O & { runAsync?: false };

/**
 * A Mastodon client for the streaming API: Mastodon.py's `Mastodon`, streaming part, in
 * camelCase. Every `stream*` method either blocks (returns a promise that settles when the
 * stream ends) or, with `runAsync: true`, returns a `StreamHandle` at once.
 *
 * What both entries' `Mastodon` share: the SSE-only one (sse-client.ts) and the full one
 * (mastodon.ts) each choose the transport and what sits between connection and listener. (Two
 * siblings rather than one extending the other: the full build then carries none of the
 * SSE-only build's refusals.)
 */
export abstract class Mastodon {
  declare readonly apiBaseUrl: string;
  declare readonly transport: 'sse' | 'websocket';
  declare readonly requestTimeoutSec: number;
  // (Every option is checked: a wrong type, a number that is not finite and ≥ 0, a token with a
  // control character throw MastodonIllegalArgumentError naming the option, never its value.)
  // True privates: what console.log, util.inspect and JSON.stringify show of the client never
  // includes the options, and so never the token.
  #c: ClientContext & { _o: MastodonOptions };

  constructor(options: MastodonOptions) {
    options = Object(options);
    check(options, CLIENT_OPTIONS);
    const { streamingBaseUrl: fixed, transport = 'sse' } = options;
    if (transport !== 'sse' && transport !== 'websocket') bad('transport', "'sse' or 'websocket'");
    const apiBaseUrl = (this.apiBaseUrl = streamingBaseFrom(options.apiBaseUrl, 'https://') ?? bad('apiBaseUrl', 'an http(s) URL'));
    const timeoutMs = (this.requestTimeoutSec = options.requestTimeoutSec ?? 300) * 1000;
    this.transport = transport;
    const fetchFn = () => options.fetch ?? defaultFetch();
    /** The streaming base: `streamingBaseUrl`, else discovery's answer once asked for. */
    let base: Promise<string> | undefined =
      fixed ? Promise.resolve(streamingBaseFrom(fixed, 'https://') ?? bad('streamingBaseUrl', 'an http(s) URL')) : undefined;
    /**
     * Joins the discovery in flight (a caller without a signal can never leave it): returns how
     * the caller leaves it. Discovery is aborted once every caller has left; after it settled,
     * joining and leaving change nothing (its count is infinite).
     */
    let join: ((signal?: AbortSignal) => () => void) | undefined;
    this.#c = {
      _fetch: fetchFn,
      _base: (signal) => {
        let p = base;
        if (!p) {
          // Discovery: started by the first caller, shared by every stream.
          const ac = abortController();
          let n = 0;
          // A guess (no answer: the API base) is not kept once it resolves.
          const q: Promise<string> = (p = base =
            discoverStreamingBase(apiBaseUrl, fetchFn(), timeoutMs, ac.signal)
              .then((found) => found ?? (base == q && (base = undefined), apiBaseUrl))
              .finally(() => (n = 1 / 0)));
          join = (s) => ((n += s ? 1 : 1 / 0), () => --n || (ac.abort(), (base = undefined)));
        }
        const leave = join?.(signal);
        return new Promise((resolve, reject) => {
          p.then(resolve, reject);
          // A caller whose signal aborts leaves at once. (A signal that aborts after discovery only asks again.)
          signal?.addEventListener('abort', () => (reject(signal.reason), leave?.()));
        });
      },
      _o: options,
    };
  }

  /** The streaming base URL: `streamingBaseUrl`, else discovered once and cached. */
  streamingBase(): Promise<string> {
    return this.#c._base();
  }

  /**
   * `GET /api/v1/streaming/health`, no token: true iff 200 with body `OK` or `success`. Never
   * throws. Discovery and the request together are bounded by `requestTimeoutSec`; at most
   * 1 MiB of the body is read.
   */
  async streamHealthy(): Promise<boolean> {
    try {
      const [status, body] = await get(this.#c._fetch(), this.#c._base, '/api/v1/streaming/health', this.requestTimeoutSec * 1000);
      return status == 200 && /^\s*(OK|success)\s*$/.test(body!);
    } catch {
      return false;
    }
  }

  /** The user's home timeline and notifications: `/api/v1/streaming/user`. */
  streamUser(listener: Listener, options: Async<StreamOptions>): StreamHandle;
  streamUser(listener: Listener, options?: Blocking<StreamOptions>): Promise<void>;
  streamUser(listener: Listener, options?: StreamOptions): StreamHandle | Promise<void>;
  streamUser(listener: Listener, options: StreamOptions = {}): StreamHandle | Promise<void> {
    return this._open(listener, options, 'user');
  }

  /** The user's notifications only: `/api/v1/streaming/user/notification`. */
  streamUserNotification(listener: Listener, options: Async<StreamOptions>): StreamHandle;
  streamUserNotification(listener: Listener, options?: Blocking<StreamOptions>): Promise<void>;
  streamUserNotification(listener: Listener, options?: StreamOptions): StreamHandle | Promise<void>;
  streamUserNotification(listener: Listener, options: StreamOptions = {}): StreamHandle | Promise<void> {
    return this._open(listener, options, 'user:notification');
  }

  /** The federated timeline, or with `local`/`remote` one side of it; `onlyMedia` for posts with media. */
  streamPublic(listener: Listener, options: Async<PublicStreamOptions>): StreamHandle;
  streamPublic(listener: Listener, options?: Blocking<PublicStreamOptions>): Promise<void>;
  streamPublic(listener: Listener, options?: PublicStreamOptions): StreamHandle | Promise<void>;
  streamPublic(listener: Listener, options: PublicStreamOptions = {}): StreamHandle | Promise<void> {
    return this._open(listener, options, publicType(options));
  }

  /** The local timeline: `streamPublic(listener, { local: true })`. */
  streamLocal(listener: Listener, options: Async<PublicStreamOptions>): StreamHandle;
  streamLocal(listener: Listener, options?: Blocking<PublicStreamOptions>): Promise<void>;
  streamLocal(listener: Listener, options?: PublicStreamOptions): StreamHandle | Promise<void>;
  streamLocal(listener: Listener, options: PublicStreamOptions = {}): StreamHandle | Promise<void> {
    return this.streamPublic(listener, { ...options, local: true });
  }

  /** Posts with a hashtag (without `#`), optionally local only. */
  streamHashtag(tag: string, listener: Listener, options: Async<HashtagStreamOptions>): StreamHandle;
  streamHashtag(tag: string, listener: Listener, options?: Blocking<HashtagStreamOptions>): Promise<void>;
  streamHashtag(tag: string, listener: Listener, options?: HashtagStreamOptions): StreamHandle | Promise<void>;
  streamHashtag(tag: string, listener: Listener, options: HashtagStreamOptions = {}): StreamHandle | Promise<void> {
    return this._open(listener, options, options.local ? 'hashtag:local' : 'hashtag', { tag });
  }

  /** A list of the user's: `id` is the list id or a list object. */
  streamList(id: string | { id: string }, listener: Listener, options: Async<StreamOptions>): StreamHandle;
  streamList(id: string | { id: string }, listener: Listener, options?: Blocking<StreamOptions>): Promise<void>;
  streamList(id: string | { id: string }, listener: Listener, options?: StreamOptions): StreamHandle | Promise<void>;
  streamList(id: string | { id: string }, listener: Listener, options: StreamOptions = {}): StreamHandle | Promise<void> {
    return this._open(listener, options, 'list', { list: id });
  }

  /** The user's direct conversations. */
  streamDirect(listener: Listener, options: Async<StreamOptions>): StreamHandle;
  streamDirect(listener: Listener, options?: Blocking<StreamOptions>): Promise<void>;
  streamDirect(listener: Listener, options?: StreamOptions): StreamHandle | Promise<void>;
  streamDirect(listener: Listener, options: StreamOptions = {}): StreamHandle | Promise<void> {
    return this._open(listener, options, 'direct');
  }

  /** @internal Opens a stream in either mode: an async handle starts running at once; blocking, the promise of its run. */
  protected _open(listener: Listener, options: StreamOptions, type: StreamType, params?: StreamParams): StreamHandle | Promise<void> {
    const spec = streamSpec(type, params);
    // The options checked (see `check`; `signal` an AbortSignal), the defaults filled in.
    const opts = check(options, DEFAULTS, { signal: options.signal, requestTimeoutSec: this.requestTimeoutSec } as ResolvedStreamOptions);
    if (opts.signal && !opts.signal.addEventListener) bad('signal', 'an AbortSignal');
    const d = new Dispatcher(listener, spec);
    const c = this.#c;
    const stream = new Stream(spec, d, opts, c._o.accessToken, this._transportFor(c), this._gate(c, d, spec, opts));
    return opts.runAsync ? stream : stream._run;
  }

  /** @internal The transport of this client's streams. */
  protected abstract _transportFor(c: ClientContext): Transport;

  /** @internal What sits between connection and listener, if anything (catch-up, in the full client). */
  protected abstract _gate(c: ClientContext, d: Dispatcher, spec: StreamSpec, opts: ResolvedStreamOptions): EventGate | undefined;
}
