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
import { answered, serverMessageOf } from './transport/response-error.js';

/**
 * `a` is newer than `b`. Mastodon ids are decimal strings, compared as big integers: padded to
 * one length, then as text (which also orders the fixed-length ULIDs of other servers).
 */
const newer = (a: string, b: string): boolean => a.padStart(32) > b.padStart(32);

/**
 * For the kinds a catch-up fetches: the id `min_id` pages by (a status id for timelines, a
 * notification id, a conversation's last status id) and the key that deduplicates deliveries
 * (status and notification ids are separate id spaces; a conversation counts again when its
 * last status changes). False for anything else.
 */
const idsOf = (name: string, p: any): false | [string, string] => {
  const c = name == 'conversation';
  const id = c ? p?.last_status?.id : (name == 'update' || name == 'notification') && p?.id;
  return typeof id == 'string' && [id, name[0] + (c ? p.id : '') + '/' + id];
};

/** The REST timelines that hold what a stream sends: [event name, path, query prefix]. */
const sourcesOf = (spec: StreamSpec): [string, string, string][] => {
  const [base, ...mods] = spec[0].split(':');
  const n: [string, string, string] = ['notification', '/api/v1/notifications', ''];
  if (base == 'user') return mods.length ? [n] : [['update', '/api/v1/timelines/home', ''], n];
  if (base == 'direct') return [['conversation', '/api/v1/conversations', '']];
  const where = base == 'public' ? base : (base == 'list' ? 'list/' : 'tag/') + encodeURIComponent(spec[1]!);
  return [['update', '/api/v1/timelines/' + where, mods.map((m) => (m == 'media' ? 'only_media' : m) + '=true&').join('')]];
};

/**
 * `catchUp: true`: after a reconnect, holds live events back, fetches what the stream missed
 * from the REST timelines (pages newer than the newest id delivered, oldest first), delivers
 * it, then releases the held events. Every delivery goes through one deduplicating path, so
 * nothing is delivered twice. What cannot be fetched is reported via `onCatchUpGap`.
 * (A closure rather than a class: it minifies far smaller.)
 */
export function catchUp(d: Dispatcher, spec: StreamSpec, fetchFn: typeof fetch, api: string, token: string | undefined, opts: ResolvedStreamOptions): EventGate {
  /** Live events held back while a catch-up runs; undefined when none runs. */
  let held: [string, unknown, StreamName][] | undefined;
  /** A reconnect happened during the running catch-up: fetch once more before releasing. */
  let again = false;
  let closed = false;
  let ac: AbortController | undefined;
  /** Newest id delivered, per event name (update, notification, conversation). */
  const newest: Record<string, string> = {};
  /** Recently delivered keys, oldest first (a Set iterates in insertion order). */
  const seen = new Set<string>();
  const headers: Record<string, string> = token ? { Authorization: 'Bearer ' + token } : {};
  const max = opts.catchUpMaxItems;

  /** Delivers an event unless it was delivered already; returns false for a duplicate. `dry`: only tell. */
  const deliver = (name: string, payload: unknown, stream?: StreamName, dry?: boolean): boolean => {
    const ids = idsOf(name, payload);
    if (ids) {
      const [id, key] = ids;
      if (seen.has(key)) return false;
      if (dry) return true;
      seen.add(key);
      if (seen.size > 1000 + 4 * max) {
        const [oldest] = seen;
        seen.delete(oldest!);
      }
      if (!newer(newest[name] ?? '', id)) newest[name] = id;
    }
    d.event(name, payload, stream);
    return true;
  };

  const gap = (timeline: string, reason: CatchUpGap['reason'], name: string, error?: MastodonError): void => {
    d.call('onCatchUpGap', { timeline, reason, sinceId: newest[name], ...(error && { error }) } satisfies CatchUpGap);
  };

  /**
   * Fetches and delivers one timeline from the newest id seen; nothing when none was seen.
   * A 429 is retried once after its `Retry-After` when that is at most 10 s; other refusals
   * are a gap with a `MastodonAPIError`. Each request has the read timeout; `close()` aborts
   * it (and any wait) at once.
   */
  const fill = async (name: string, path: string, query: string): Promise<void> => {
    const key = (x: unknown) => (idsOf(name, x) || [''])[0];
    let count = 0;
    let min = newest[name];
    let retried = false;
    try {
      while (min && !closed) {
        const c = (ac = abortController());
        const timer = setTimer(() => c.abort(), opts.timeoutSec * 1000);
        let res: Response;
        let body: string;
        try {
          res = await fetchFn(`${api}${path}?${query}min_id=${encodeURIComponent(min)}&limit=${name == 'notification' ? 80 : 40}`, { headers, signal: c.signal });
          body = await res.text();
        } finally {
          clearTimer(timer);
        }
        const status = res.status;
        if (!res.ok) {
          const retryAfterSec = parseRetryAfter(res.headers.get('retry-after'), now());
          const wait = retryAfterSec ?? 1;
          if (status != 429 || retried || wait > 10) {
            const serverMessage = serverMessageOf(body);
            throw new MastodonAPIError(answered(path, status, serverMessage), status, { serverMessage, retryAfterSec });
          }
          retried = true;
          await new Promise<void>((resolve) => {
            const t = setTimer(resolve, wait * 1000);
            c.signal.onabort = () => (clearTimer(t), resolve());
          });
          continue;
        }
        retried = false;
        const items: unknown[] = JSON.parse(body);
        items.sort((a, b) => (newer(key(a), key(b)) ? 1 : -1));
        // Below the cap, deliver; at the cap, only look: one more new item means a gap.
        for (const item of items) if (deliver(name, item, undefined, count >= max) && count++ >= max) return gap(path, 'cap', name);
        // Link rel="prev" is the next newer page; without one, page on from the newest delivered.
        const next = /[?&]min_id=([^&>]+)[^>]*>;\s*rel="prev"/.exec(res.headers.get('link')!)?.[1] ?? newest[name];
        if (!items.length || !next || !newer(next, min)) return;
        min = next;
      }
    } catch (err) {
      if (!closed) gap(path, 'error', name, err instanceof MastodonError ? err : new MastodonNetworkError(`Catch-up from ${path} failed`, { cause: err }));
    }
  };

  const run = async (): Promise<void> => {
    do {
      again = false;
      for (const source of sourcesOf(spec)) await fill(...source);
    } while (again && !closed);
    const events = held;
    held = undefined;
    for (const e of events ?? []) deliver(...e);
  };

  return {
    opened(reconnect) {
      if (reconnect)
        if (held) again = true;
        else {
          held = [];
          void run();
        }
    },
    event(...e) {
      if (held) held.push(e);
      else deliver(...e);
    },
    close() {
      closed = true;
      held = undefined;
      ac?.abort();
    },
  };
}
