import { MastodonAPIError } from '../errors/MastodonAPIError.js';
import { MastodonError } from '../errors/MastodonError.js';
import { MastodonNetworkError } from '../errors/MastodonNetworkError.js';
import { redact } from '../errors/redact.js';
import type { StreamName } from '../events.js';
import type { EventGate } from '../handle.js';
import type { CatchUpGap, Dispatcher } from '../listener.js';
import type { ResolvedStreamOptions } from '../options.js';
import { abortController, clock, setTimer, type TimerId } from '../platform.js';
import { deadline, readText } from '../request.js';
import { idsFrom, type StreamPosition } from '../position.js';
import type { StreamSpec } from '../streams.js';
import { answered, serverMessageOf } from '../transport/response-error.js';
import type { RestBudget } from './budget.js';
import { prevMinId } from './link.js';
import { idOf, newer, sourcesOf, type Source } from './sources.js';

/**
 * `catchUp`: holds live events back while it fetches what the stream missed from the REST
 * timelines (pages newer than the newest id delivered, oldest first), delivers it, then
 * releases the held events. On the first connection it resumes from `catchUp.from` the same
 * way, or, with nothing to start from, records where each timeline stands (one `limit=1`
 * request) so that the first reconnect loses nothing either. Every delivery goes through one
 * deduplicating path, so nothing is delivered twice. What cannot be fetched is reported via
 * `onCatchUpGap`; where the stream stands is `position()`, also told to `onPosition` at most
 * once a second while it moves. Every request waits for the client-wide `budget`.
 * (A closure rather than a class: it minifies far smaller.)
 */
export function catchUp(d: Dispatcher, spec: StreamSpec, fetchFn: typeof fetch, api: string, token: string | undefined, opts: ResolvedStreamOptions, budget: RestBudget): EventGate {
  const sources = sourcesOf(spec);
  const names = sources.map((s) => s[0]);
  const from = (opts.catchUp as { from?: unknown }).from;
  /** Newest id delivered (or recorded on the first connection), per timeline, keyed by the event that carries its items. */
  const newest = idsFrom(from, spec, names);
  /** Live events held back while a catch-up runs; undefined when none runs. The first connection resumes from `from`: it catches up like a reconnect. */
  let held: [string, unknown, StreamName?][] | undefined = from != null ? [] : undefined;
  /** 0: no catch-up runs; 1: one runs; more: a connection opened during its pass, so it reads the timelines once more before releasing. */
  let opens = 0;
  let closed = false;
  let ac: AbortController | undefined;
  /** Recently delivered keys, oldest first (a Set iterates in insertion order). */
  const seen = new Set<string>();
  const headers: Record<string, string> = token ? { Authorization: 'Bearer ' + token } : {};
  const max = opts.catchUpMaxItems;
  const ms = opts.timeoutSec * 1000;
  /** Of the running catch-up, all its timelines and passes together: items delivered and where the cap left items out; and pages read in this pass. */
  let count = 0;
  let pages = 0;
  let missing: Record<string, CatchUpGap['missing'][0]> = {};
  let posTimer: TimerId | undefined;

  const position = (): StreamPosition => ({ stream: spec, ids: { ...newest } });

  /** The position moved: tell `onPosition` a second later (so at most once a second), unless already due. */
  const moved = (): void => {
    posTimer ??= setTimer(() => {
      posTimer = undefined;
      d._call('onPosition', position());
    }, 1000);
  };

  /** Delivers an event unless it was delivered already: 1 if it was delivered, 0 for a duplicate. After close() (the dispatcher delivers nothing), the position does not move. */
  const deliver = (name: string, payload: unknown, stream?: StreamName): number => {
    const id = idOf(name, payload);
    if (id) {
      const key = name[0] + id;
      if (seen.has(key)) return 0;
      seen.add(key);
      if (seen.size > 1000 + 4 * max) {
        const [oldest] = seen;
        seen.delete(oldest!);
      }
      if (!closed && names.includes(name) && newer(id, newest[name])) {
        newest[name] = id;
        moved();
      }
    }
    d._event(name, payload, stream);
    return 1;
  };

  /** Reports a gap. No error leaves with the token in it (the server's message may echo it; a runtime may quote a header). */
  const gap = (reason: CatchUpGap['reason'], gone: CatchUpGap['missing'], error?: MastodonError): void => {
    redact(error, token);
    d._call('onCatchUpGap', { ...gone[0]!, reason, missing: gone, error } satisfies CatchUpGap);
  };

  /**
   * One timeline. Without an id to start from: record where it stands (its newest item, `'0'`
   * when empty; a live event delivered meanwhile wins). Otherwise deliver what is newer, page
   * after page (the `Link` header's next newer page, else from the newest delivered), until an
   * empty page. Past the cap, only look whether anything new is left (then it is missing). A
   * page that brings nothing new, or more pages than `max / 20 + 5` in one pass, ends it with a
   * `'stuck'` gap; a failure, with an `'error'` gap (a refusal as a `MastodonAPIError`, the server's
   * message scrubbed of the token). Each request first waits for the budget and has the read
   * timeout; `close()` aborts it, and any wait, at once.
   */
  // (What it returns is of no use: returning it is shorter than a statement and a return.)
  const fill = async ([name, path, query]: Source): Promise<unknown> => {
    const here = () => ({ timeline: path, sinceId: newest[name] });
    try {
      for (let min = newest[name]; !closed; ) {
        if (++pages > max / 20 + 5) return gap('stuck', [here()]);
        // Its turn in the budget, or close() now (a deadline: its timer is cleared either way, none is left behind).
        const wait = budget();
        if (wait) await new Promise((resolve) => (deadline(wait, ac!.signal)[0].onabort = resolve));
        if (closed) return;
        // The request's deadline stays until the page is handled (all of it synchronous once the body is read).
        const [signal, stop] = deadline(ms, ac!.signal);
        try {
          const res = await fetchFn(`${api}${path}?${query ?? ''}${min ? `min_id=${encodeURIComponent(min)}&` : ''}limit=${!min || count >= max ? 1 : name[0] == 'n' ? 80 : 40}`, { headers, signal });
          budget(res.headers.get('x-ratelimit-remaining'));
          const body = await readText(res, path, ms);
          if (!res.ok) {
            const serverMessage = serverMessageOf(body);
            throw new MastodonAPIError(answered(path, res.status, serverMessage), res.status, { serverMessage });
          }
          const items: unknown[] = JSON.parse(body);
          if (!min) return (newest[name] ??= (moved(), idOf(name, items[0]) || '0'));
          items.sort((a, b) => (newer(idOf(name, a), idOf(name, b)) ? 1 : -1));
          const before = count;
          // Below the cap, deliver; at the cap, only look: one more item newer than the newest delivered means items are missing.
          for (const item of items)
            if (count < max) count += deliver(name, item);
            else if (newer(idOf(name, item), newest[name]!)) return (missing[path] = here());
          // Nothing new: done when the page was empty, else stuck.
          if (count == before) return items.length && gap('stuck', [here()]);
          // Reached what the new connection receives live (held): the rest comes that way.
          if (held?.some((e) => e[0] == name && !newer(idOf(name, e[1]), newest[name]!))) return;
          const next = prevMinId(res.headers.get('link'));
          min = next && newer(next, min) ? next : newest[name];
        } finally {
          stop();
        }
      }
    } catch (err) {
      if (!closed) gap('error', [here()], err instanceof MastodonError ? err : new MastodonNetworkError(`Catch-up from ${path} failed`, { cause: err }));
    }
  };

  /** One catch-up: every timeline, once more per connection opened meanwhile; then the held events. */
  const run = async (): Promise<void> => {
    // The run's requests and waits: close() aborts them. (Each request's deadline listens to it: they go with the run.)
    ac = abortController();
    count = 0;
    missing = {};
    do {
      opens = 1;
      pages = 0;
      // (After close(), fill() returns at once.)
      for (const source of sources) await fill(source);
    } while (opens > 1);
    const left = Object.values(missing);
    if (left.length) gap('cap', left);
    opens = 0;
    for (const e of held ?? []) deliver(...e);
    held = undefined;
  };

  return {
    _opened(reconnect) {
      if (reconnect) held ??= [];
      if (!opens++) void run();
    },
    _event(...e) {
      if (held) held.push(e);
      else deliver(...e);
    },
    _close() {
      closed = true;
      ac?.abort();
      clock.clear(posTimer);
    },
    _position: position,
  };
}
