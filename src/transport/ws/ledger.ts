import type { StreamSpec } from '../../streams.js';

/**
 * The subscription table of one socket, and who a refusal belongs to.
 *
 * Mastodon never acknowledges a subscribe, and its refusal (`{"error": …, "status": …}`) does
 * not say which subscribe it answers. But it does answer, in order, an unsubscribe from a
 * stream it does not know: `{"error": "Error unsubscribing from channel"}` (no `status`). So
 * every batch of subscribes is followed by such a **marker**: a refusal that arrives before the
 * marker's answer belongs to that batch, and once the answer is in, the batch has settled —
 * after one round trip, whatever its length (no time window to guess). Lists are checked
 * against the database, so their refusal comes later than an unknown stream's answer: a
 * batch with a list is closed by a marker that takes the same road (unsubscribe from list 0,
 * which no one owns).
 *
 * Within a batch, a refusal is narrowed by what it says (`…this list`, `…tag name…`), then to
 * the streams not yet proven by an event. One left: it is that one's. Several: each is
 * subscribed again alone with its own marker (a healthy one is ignored by the server as a
 * duplicate), so the next refusal is exact. None: nobody is blamed.
 */
export interface Ledger {
  /** key → [spec, state]: the streams subscribed on this socket. */
  _on: Map<string, [StreamSpec, State]>;
  /** The keys of the batch whose marker is awaited (one batch at a time). */
  _flying?: string[];
  /**
   * What goes out next, given what the handles want now: the keys to subscribe and the
   * marker to send after them. Undefined while a batch is in flight or nothing is due.
   */
  _next(wanted: Iterable<{ _key: string; _spec: StreamSpec }>): [string[], string] | undefined;
  /** A marker was answered (closing its batch, if it had one). */
  _answered(): undefined;
  /** A refusal (its `error` text): the stream it belongs to (now off the table), or undefined. */
  _refused(error: string): [string, [StreamSpec, State]] | undefined;
  /** Liveness: a marker to send when the socket is quiet (undefined while one is awaited). */
  _probe(): string | undefined;
}

export const enum State {
  /** Sent, not settled: a refusal may still be its. */
  Flying,
  /** Its marker came back without a refusal for it. */
  Settled,
  /** An event came for it. */
  Proven,
}

/** A subscribe or unsubscribe message. */
export const frame = (type: string, [stream, param]: StreamSpec): string =>
  JSON.stringify({ type, stream, [stream == 'list' ? 'list' : 'tag']: param });

const MARKER = frame('unsubscribe', ['ping'] as unknown as StreamSpec);
const LIST_MARKER = frame('unsubscribe', ['list', '0']);

/** `['hashtag', 'Cats']` → `hashtag,cats`: hashtags compared the way the server normalises them. */
export const keyOf = (stream: unknown): string => String(stream).normalize('NFKC').toLowerCase();

export const ledger = (): Ledger => {
  const on = new Map<string, [StreamSpec, State]>();
  /** Keys to subscribe again alone, oldest first. */
  const recheck: string[] = [];
  /** The markers sent and not answered yet, in order: a batch's keys, or 0 for a probe. */
  const markers: (string[] | 0)[] = [];

  const l: Ledger = {
    _on: on,
    _next(wanted) {
      if (l._flying) return;
      let keys: string[] = [];
      let key: string | undefined;
      while ((key = recheck.shift()) && on.get(key)?.[1] !== State.Flying);
      if (key) keys = [key];
      else
        for (const { _key: k, _spec: spec } of wanted)
          if (!on.has(k)) {
            on.set(k, [spec, State.Flying]);
            keys.push(k);
          }
      if (!keys.length) return;
      markers.push((l._flying = keys));
      return [keys, keys.some((k) => on.get(k)![0][0] == 'list') ? LIST_MARKER : MARKER];
    },
    _answered() {
      const batch = markers.shift();
      if (batch) {
        for (const k of batch) {
          const e = on.get(k);
          if (e?.[1] === State.Flying && !recheck.includes(k)) e[1] = State.Settled;
        }
        l._flying = undefined;
      }
    },
    _refused(error) {
      const kind = /list/.test(error) ? 'list' : /tag/.test(error) ? 'hashtag' : '';
      let suspects = [...on].filter(([, [spec, state]]) => state != State.Proven && spec[0].startsWith(kind));
      // In flight (and not already waiting for a recheck): the refusal answers that batch.
      const flying = suspects.filter(([k, [, state]]) => state == State.Flying && l._flying?.includes(k));
      if (flying.length) suspects = flying;
      if (suspects.length == 1) {
        on.delete(suspects[0]![0]);
        return suspects[0];
      }
      for (const [k, e] of suspects)
        if (!recheck.includes(k)) {
          recheck.push(k);
          e[1] = State.Flying;
        }
    },
    _probe() {
      if (markers.length) return;
      markers.push(0);
      return MARKER;
    },
  };
  return l;
};
