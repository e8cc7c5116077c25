import { parseRetryAfter } from './backoff.js';
import { MastodonAPIError } from './errors/MastodonAPIError.js';
import { MastodonError } from './errors/MastodonError.js';
import { MastodonNetworkError } from './errors/MastodonNetworkError.js';
import type { StreamName } from './events.js';
import type { EventGate } from './handle.js';
import type { CatchUpGap, Dispatcher } from './listener.js';
import type { ResolvedStreamOptions } from './options.js';
import { abortController, clearTimer, now, setTimer } from './platform.js';
import type { StreamSpec } from './streams.js';
import { serverMessageOf } from './transport/response-error.js';

/**
 * `a` is newer than `b`. Mastodon ids are decimal strings, compared as big integers: padded to
 * one length, then as text (which also orders the fixed-length ULIDs of other servers).
 */
const newer = (a: string, b: string): boolean => a.padStart(32) > b.padStart(32);

/**
 * For the kinds a catch-up fetches: the id `min_id` pages by (a status id for timelines, a
 * notification id, a conversation's last status id) and the key that deduplicates deliveries
 * (status and notification ids are separate id spaces; a conversation counts again when its
 * last status changes).
 */
const idsOf = (name: string, p: any): [string, string] | undefined => {
  const id = name === 'conversation' ? p?.last_status?.id : name === 'update' || name === 'notification' ? p?.id : 0;
  return typeof id === 'string' ? [id, name[0] + (name === 'conversation' ? p.id : '') + '/' + id] : undefined;
};

const T = '/api/v1/timelines/';

/** The REST timelines that hold what a stream sends: [event name, path, query prefix]. */
const sourcesOf = (spec: StreamSpec): string[][] => {
  const [base, ...mods] = spec.type.split(':');
  const n = ['notification', '/api/v1/notifications', ''];
  if (base === 'user') return mods.length ? [n] : [['update', T + 'home', ''], n];
  if (base === 'direct') return [['conversation', '/api/v1/conversations', '']];
  const where = base === 'public' ? base : (base === 'list' ? 'list/' : 'tag/') + encodeURIComponent((spec.list ?? spec.tag)!);
  return [['update', T + where, mods.map((m) => (m === 'media' ? 'only_media' : m) + '=true&').join('')]];
};

/**
 * `catchUp: true`: after a reconnect, holds live events back, fetches what the stream missed
 * from the REST timelines (pages newer than the newest id delivered, oldest first), delivers
 * it, then releases the held events. Every delivery goes through one deduplicating path, so
 * nothing is delivered twice. What cannot be fetched is reported via `onCatchUpGap`.
 */
export class CatchUp implements EventGate {
  /** Live events held back while a catch-up runs; undefined when none runs. */
  private _held?: [string, unknown, StreamName][];
  /** A reconnect happened during the running catch-up: fetch once more before releasing. */
  private _again = false;
  private _closed = false;
  private _ac?: AbortController;
  /** Newest id delivered, per event name (update, notification, conversation). */
  private readonly _newest: Record<string, string> = {};
  /** Recently delivered keys, oldest first (a Set iterates in insertion order). */
  private readonly _seen = new Set<string>();
  private readonly _sources: string[][];
  private readonly _d: Dispatcher;
  private readonly _fetch: typeof fetch;
  private readonly _api: string;
  private readonly _headers: Record<string, string>;
  private readonly _opts: ResolvedStreamOptions;

  constructor(d: Dispatcher, spec: StreamSpec, fetchFn: typeof fetch, api: string, token: string | undefined, opts: ResolvedStreamOptions) {
    this._d = d;
    this._sources = sourcesOf(spec);
    this._fetch = fetchFn;
    this._api = api;
    this._headers = token ? { Authorization: 'Bearer ' + token } : {};
    this._opts = opts;
  }

  opened(reconnect: boolean): void {
    if (!reconnect) return;
    if (this._held) this._again = true;
    else {
      this._held = [];
      void this._run();
    }
  }

  event(name: string, payload: unknown, stream: StreamName): void {
    if (this._held) this._held.push([name, payload, stream]);
    else this._deliver(name, payload, stream);
  }

  close(): void {
    this._closed = true;
    this._held = undefined;
    this._ac?.abort();
  }

  private async _run(): Promise<void> {
    do {
      this._again = false;
      for (const [name, path, query] of this._sources) await this._fill(name!, path!, query!);
    } while (this._again && !this._closed);
    const held = this._held ?? [];
    this._held = undefined;
    for (const [name, payload, stream] of held) this._deliver(name, payload, stream);
  }

  /** Delivers an event unless it was delivered already; returns false for a duplicate. `dry`: only tell. */
  private _deliver(name: string, payload: unknown, stream = this._d.forStream, dry?: boolean): boolean {
    const ids = idsOf(name, payload);
    if (ids) {
      const [id, key] = ids;
      const seen = this._seen;
      if (seen.has(key)) return false;
      if (dry) return true;
      seen.add(key);
      if (seen.size > 1000 + 4 * this._opts.catchUpMaxItems) seen.delete(seen.values().next().value!);
      const last = this._newest[name];
      if (!last || newer(id, last)) this._newest[name] = id;
    }
    this._d.event(name, payload, stream);
    return true;
  }

  /** Fetches and delivers one timeline from the newest id seen; nothing when none was seen. */
  private async _fill(name: string, path: string, query: string): Promise<void> {
    const limit = name === 'notification' ? 80 : 40;
    const max = this._opts.catchUpMaxItems;
    let count = 0;
    let min = this._newest[name];
    try {
      while (min && !this._closed) {
        const [items, link] = await this._page(`${this._api}${path}?${query}min_id=${encodeURIComponent(min)}&limit=${limit}`, path);
        const key = (x: unknown) => idsOf(name, x)?.[0] ?? '';
        items.sort((a, b) => (newer(key(a), key(b)) ? 1 : -1));
        // Below the cap, deliver; at the cap, only look: one more new item means a gap.
        for (const item of items) if (this._deliver(name, item, undefined, count >= max) && count++ >= max) return this._gap(path, 'cap', name);
        // Link rel="prev" is the next newer page; without one, page on from the newest delivered.
        const next = /[?&]min_id=([^&>]+)[^>]*>;\s*rel="prev"/.exec(link!)?.[1] ?? this._newest[name];
        if (!items.length || !next || !newer(next, min)) return;
        min = next;
      }
    } catch (err) {
      if (!this._closed) this._gap(path, 'error', name, err instanceof MastodonError ? err : new MastodonNetworkError(`Catch-up from ${path} failed`, { cause: err }));
    }
  }

  /**
   * One page: [items, Link header]. A 429 is retried once after its `Retry-After` when that
   * is at most 10 s; other refusals throw `MastodonAPIError`. Each request has the read
   * timeout; `close()` aborts it (and any wait) at once.
   */
  private async _page(url: string, path: string, retried?: boolean): Promise<[any[], string?]> {
    const ac = (this._ac = abortController());
    const timer = setTimer(() => ac.abort(), this._opts.timeoutSec * 1000);
    let res: Response;
    let body: string;
    try {
      const f = this._fetch;
      res = await f(url, { headers: this._headers, signal: ac.signal });
      body = await res.text();
    } finally {
      clearTimer(timer);
    }
    if (res.ok) return [JSON.parse(body), res.headers.get('link') ?? ''];
    const retryAfterSec = parseRetryAfter(res.headers.get('retry-after'), now());
    const wait = retryAfterSec ?? 1;
    if (res.status !== 429 || retried || wait > 10) {
      const serverMessage = serverMessageOf(body);
      throw new MastodonAPIError(`${path} answered ${res.status}${serverMessage ? ': ' + serverMessage : ''}`, res.status, { serverMessage, retryAfterSec });
    }
    await new Promise<void>((resolve) => {
      const t = setTimer(resolve, wait * 1000);
      ac.signal.addEventListener('abort', () => (clearTimer(t), resolve()));
    });
    return this._closed ? [[]] : this._page(url, path, true);
  }

  private _gap(timeline: string, reason: CatchUpGap['reason'], name: string, error?: MastodonError): void {
    this._d.call('onCatchUpGap', { timeline, reason, sinceId: this._newest[name], ...(error && { error }) } satisfies CatchUpGap);
  }
}
