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
 * A stream wanted while a marker is awaited is subscribed at once (a server that answers no
 * marker must not hold it back) and joins the next batch, whose marker goes out when the
 * awaited one is answered: until then its refusal may come at any time, so it is a suspect
 * along with the batch in flight ("in the air"). A list sent so comes before its batch's list
 * marker, which then takes the same road.
 *
 * A refusal is narrowed by what it says (`…this list`, `…tag name…`), then to the streams not
 * yet proven by an event, then to those in the air. One left: it is that one's. Several: each
 * is subscribed again alone with its own marker (a healthy one is ignored by the server as a
 * duplicate; nothing else goes out meanwhile), so the next refusal is exact. None: nobody is
 * blamed.
 *
 * Akkoma answers every message (`pleroma:respond`): its error to an unsubscribe is a marker's
 * answer, its error to a subscribe a refusal. GoToSocial answers nothing: see the supervisor's
 * `mute`.
 */
export interface Ledger {
  /** key → [spec, state]: the streams subscribed on this socket. */
  _on: Map<string, [StreamSpec, State]>;
  /** The batch whose marker is awaited (one marker of a batch at a time). */
  _flying?: unknown[];
  /**
   * What goes out now, given what the handles want: the keys to subscribe, and the marker to
   * send after them (none while one is awaited, on a mute socket, or when nothing is due).
   */
  _next(wanted: Iterable<{ _key: string; _spec: StreamSpec }>): [string[], string?];
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

/**
 * `['hashtag', 'Cats']` → `["hashtag","cats"]`: hashtags compared the way the server normalises
 * them. JSON, not `String()`: a server's `stream` may be any JSON value, and `String()` of an
 * object whose `toString` is no function throws.
 */
export const keyOf = (stream: unknown): string => (JSON.stringify(stream) ?? '').normalize('NFKC').toLowerCase();

type Entry = [string, [StreamSpec, State]];

export const ledger = (): Ledger => {
  const on = new Map<string, [StreamSpec, State]>();
  /** Keys to subscribe again alone, oldest first. */
  const recheck: string[] = [];
  /** The markers sent and not answered yet, in order: a batch (its table entries), or 0 for a probe. */
  const markers: (Entry[] | 0)[] = [];
  /** The batch in flight is a recheck: nothing else goes out until it is answered. */
  let alone: unknown;
  /** Sent, not settled, not waiting for a recheck: a refusal now may be its. */
  const inAir = ([k, [, state]]: Entry): boolean => state == State.Flying && !recheck.includes(k);

  const l: Ledger = {
    _on: on,
    _next(wanted) {
      const keys: string[] = [];
      if (!recheck.length && !alone)
        for (const { _key: k, _spec: spec } of wanted)
          if (!on.has(k)) {
            on.set(k, [spec, State.Flying]);
            keys.push(k);
          }
      if (l._flying) return [keys];
      // No marker awaited: the batch is every stream in the air, else the next recheck, alone.
      let batch = [...on].filter(inAir);
      let key: string | undefined;
      if (!batch.length) {
        while ((key = recheck.shift()) && on.get(key)?.[1] !== State.Flying);
        if (!key) return [keys];
        keys.push(key);
        batch = [[key, on.get(key)!]];
        alone = 1;
      }
      markers.push((l._flying = batch));
      return [keys, batch.some(([, [spec]]) => spec[0] == 'list') ? LIST_MARKER : MARKER];
    },
    _answered() {
      const batch = markers.shift();
      if (batch) {
        // (An entry off the table since is no one's any more: settling it changes nothing.)
        for (const x of batch) if (inAir(x)) x[1][1] = State.Settled;
        l._flying = alone = undefined;
      }
    },
    _refused(error) {
      const kind = /list/.test(error) ? 'list' : /tag/.test(error) ? 'hashtag' : '';
      let suspects = [...on].filter(([, [spec, state]]) => state != State.Proven && spec[0].startsWith(kind));
      // In the air (and not already waiting for a recheck): the refusal is one of theirs.
      const flying = suspects.filter(inAir);
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
