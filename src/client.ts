import { discoverStreamingBase } from './discovery.js';
import { Dispatcher, type Listener } from './listener.js';
import { Stream, type EventGate, type StreamHandle } from './handle.js';
import { bad, resolveStreamOptions, type StreamOptions } from './options.js';
import { defaultFetch } from './platform.js';
import type { ResolvedStreamOptions } from './options.js';
import { publicType, streamSpec, type StreamParams, type StreamSpec, type StreamType } from './streams.js';
import type { ClientContext, Transport } from './transport/types.js';
import { streamingBaseFrom } from './url.js';

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
  // True privates: what console.log, util.inspect and JSON.stringify show of the client never
  // includes the options, and so never the token.
  #c: ClientContext & { _o: MastodonOptions };

  constructor(options: MastodonOptions) {
    // A runtime refuses such a header, quoting it (so the token) in its error.
    if (/[\0-\x1f\x7f]/.test(options.accessToken!)) bad('accessToken', 'a string without control characters');
    const apiBaseUrl = (this.apiBaseUrl = streamingBaseFrom(options.apiBaseUrl, 'https://') ?? bad('apiBaseUrl', 'an http(s) URL'));
    const timeoutMs = (this.requestTimeoutSec = options.requestTimeoutSec ?? 300) * 1000;
    this.transport = options.transport ?? 'sse';
    const fetchFn = () => options.fetch ?? defaultFetch();
    const fixed = options.streamingBaseUrl;
    /** The streaming base once asked for. */
    let base: Promise<string> | undefined;
    this.#c = {
      _fetch: fetchFn,
      // Discovery's answer is forgotten once it resolves when it may not be cached (it fell back).
      _base: () =>
        (base ??= fixed
          ? Promise.resolve(streamingBaseFrom(fixed, 'https://') ?? fixed)
          : discoverStreamingBase(apiBaseUrl, fetchFn(), timeoutMs).then(([found, cache]) => (cache || (base = undefined), found))),
      _o: options,
    };
  }

  /** The streaming base URL: `streamingBaseUrl`, else discovered once and cached. */
  streamingBase(): Promise<string> {
    return this.#c._base();
  }

  /** `GET /api/v1/streaming/health`, no token: true iff 200 with body `OK` or `success`. Never throws. */
  async streamHealthy(): Promise<boolean> {
    try {
      const res = await this.#c._fetch()((await this.streamingBase()) + '/api/v1/streaming/health', { credentials: 'omit', cache: 'no-store' });
      const body = (await res.text()).trim();
      return res.status == 200 && (body == 'OK' || body == 'success');
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
    const opts = resolveStreamOptions(options, this.requestTimeoutSec);
    const d = new Dispatcher(listener, spec);
    const c = this.#c;
    const stream = new Stream(spec, d, opts, c._o.accessToken, this._transportFor(c), this._gate(c, d, spec, opts));
    return opts.runAsync ? (void stream._run(), stream) : stream._run();
  }

  /** @internal The transport of this client's streams. */
  protected abstract _transportFor(c: ClientContext): Transport;

  /** @internal What sits between connection and listener, if anything (catch-up, in the full client). */
  protected abstract _gate(c: ClientContext, d: Dispatcher, spec: StreamSpec, opts: ResolvedStreamOptions): EventGate | undefined;
}
