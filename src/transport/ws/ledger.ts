import { clock } from '../../platform.js';
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
 * answer, its error to a subscribe a refusal. GoToSocial answers nothing: see `mute`.
 */
export interface Ledger {
  /** key → [spec, state]: the streams subscribed on this socket. */
  _on: Map<string, Entry>;
  /** When the marker of the batch in flight went out (0: none is awaited; one marker of a batch at a time). */
  _flying: number;
  /**
   * Sends what is due now, given what the handles want: subscribes, then the marker that closes
   * their batch (none while one is awaited, or when nothing is due). On a mute socket the
   * batch settles as it goes out, with no marker.
   */
  _next(wanted: Iterable<{ _key: string; _spec: StreamSpec }>, send: (text: string) => void): void;
  /**
   * A marker was answered (closing its batch, if it had one); `mute`: no, it went unanswered
   * for a probe period, and the socket is taken for one that answers none.
   */
  _answered(mute?: 1): undefined;
  /** A refusal (its `error` text): the stream it belongs to (now off the table), or undefined. */
  _refused(error: string): StreamSpec | undefined;
  /** Liveness: sends a marker when the socket is quiet (none while one is awaited, none on a mute socket). */
  _probe(send: (text: string) => void): void;
}

/** A stream's place in the table: the states below `Settled` are not open yet. */
export const enum State {
  /** Suspected by a refusal: to be subscribed again alone, with its own marker. */
  Recheck,
  /** Sent, not in a batch whose marker is awaited: a refusal may be its. */
  Sent,
  /** In the batch whose marker is awaited: a refusal may be its. */
  Batch,
  /** Its marker came back without a refusal for it. */
  Settled,
  /** An event came for it. */
  Proven,
}

type Entry = [StreamSpec, State];

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

export const ledger = (): Ledger => {
  const on = new Map<string, Entry>();
  /** A probe's marker is awaited (sent before any batch's marker that is also awaited). */
  let probing: unknown;
  /** The batch in flight is a recheck: nothing else goes out until it is answered. */
  let alone: unknown;
  /**
   * The socket answers no marker (GoToSocial): a batch's marker went unanswered for a probe
   * period. Its batches then settle as they go out (no marker sent), and no probe goes out.
   * A marker's answer (a Mastodon that was only slow) ends it. One socket's: a new one finds out again.
   */
  let mute: unknown;
  const inState = (state: State): Entry[] => [...on.values()].filter((e) => e[1] == state);

  const l: Ledger = {
    _on: on,
    _flying: 0,
    _next(wanted, send) {
      // What no attempt wants any more is unsubscribed.
      for (const [k, [spec]] of on) if (![...wanted].some((w) => w._key == k)) on.delete(k), send(frame('unsubscribe', spec));
      // The first recheck (table order): while there is one, it goes out before anything new.
      const [recheck] = inState(State.Recheck);
      if (!alone && !recheck)
        for (const { _key: k, _spec: spec } of wanted) if (!on.has(k)) on.set(k, [spec, State.Sent]), send(frame('subscribe', spec));
      if (l._flying) return;
      // No marker awaited: the batch is every stream in the air, else the first recheck, alone.
      let batch = inState(State.Sent);
      if (!batch.length) {
        if (!recheck) return;
        send(frame('subscribe', recheck[0]));
        batch = [recheck];
        alone = 1;
      }
      for (const e of batch) e[1] = State.Batch;
      l._flying = clock.now();
      if (mute) l._answered(1);
      else send(batch.some(([spec]) => spec[0] == 'list') ? LIST_MARKER : MARKER);
    },
    _answered(m) {
      mute = m;
      if (probing) probing = 0;
      else {
        for (const e of inState(State.Batch)) e[1] = State.Settled;
        l._flying = 0;
        alone = 0;
      }
    },
    _refused(error) {
      // (Only `list` holds "list"; only `hashtag` and `hashtag:local` hold "tag".)
      const kind = /list|tag/.exec(error)?.[0] ?? '';
      let suspects = [...on.values()].filter(([spec, state]) => state != State.Proven && spec[0].includes(kind));
      // In the air (and not already waiting for a recheck): the refusal is one of theirs.
      // (Sent or Batch: sent and not settled, not waiting for a recheck.)
      const flying = suspects.filter(([, state]) => state && state < State.Settled);
      if (flying.length) suspects = flying;
      if (suspects.length == 1) {
        const [spec] = suspects[0]!;
        on.delete(keyOf(spec));
        return spec;
      }
      for (const e of suspects) e[1] = State.Recheck;
    },
    _probe(send) {
      if (mute || probing || l._flying) return;
      probing = 1;
      send(MARKER);
    },
  };
  return l;
};
