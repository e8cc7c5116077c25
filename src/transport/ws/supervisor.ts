import { backoffMs } from '../../backoff.js';
import { MastodonError } from '../../errors/MastodonError.js';
import { MastodonMalformedEventError } from '../../errors/MastodonMalformedEventError.js';
import { MastodonNetworkError } from '../../errors/MastodonNetworkError.js';
import type { ResolvedStreamOptions } from '../../options.js';
import { toPayload } from '../../payload.js';
import { abortController, clock, defaultWebSocket, setTimer, type TimerId } from '../../platform.js';
import { deadline } from '../../request.js';
import type { StreamSpec } from '../../streams.js';
import { refusal } from '../response-error.js';
import { sseTransport } from '../sse.js';
import type { ClientContext, ConnectionHooks, Transport } from '../types.js';
import { openSocket, PATH, type Socket } from './adapter.js';
import { keyOf, ledger, State, type Ledger } from './ledger.js';

/** One `connect()` call: one handle's current attempt on the shared socket. */
interface Sub {
  _key: string;
  _spec: StreamSpec;
  _hooks: ConnectionHooks;
  _o: ResolvedStreamOptions;
  _open?: boolean;
  /** Settles the `connect()` promise; without an error it resolves (a clean end). */
  _done: (err?: MastodonError) => void;
}

/** No socket, and no sign that the server refused the token. */
const unreachable = (base = ''): MastodonNetworkError => new MastodonNetworkError('Could not connect to ' + base + PATH);

/**
 * The one owner of a client's socket to `/api/v1/streaming`. Handles attach an attempt
 * (`connect`) and detach it (abort); the supervisor opens the socket for the first, subscribes
 * what the attempts want (two handles on one hashtag: one subscribe), unsubscribes what none
 * wants, closes the socket with the last, and after a drop ends every attempt with the same
 * error. It keeps the one back-off clock: `_wait()` tells every handle when the socket may be
 * tried again (failures in a row, `Retry-After`), so twenty handles make the attempts of one.
 *
 * Who a refusal belongs to: see `Ledger`.
 *
 * Liveness: any frame counts, and so does the server's ping where the class shows it (`ws`;
 * Mastodon pings every 30 s). A socket quiet for a third of the shortest `timeoutSec` (at most
 * 20 s) is asked for a sign of life that every runtime can see: a marker (see `Ledger`), which
 * Mastodon answers with a message. A healthy quiet stream thus stays receiving, and a dead
 * peer stays silent: the handles' read timeout ends the socket within `timeoutSec`. The same
 * traffic keeps a Chrome MV3 service worker awake. A server that answers no marker (GoToSocial,
 * see the ledger's `mute`) can be proven alive only by its pings, where they show; elsewhere a
 * quiet stream there meets the read timeout (docs/websocket.md). Akkoma's `pleroma:respond`
 * answers count.
 */
export const wsTransport = (c: ClientContext): Required<Transport> => {
  const o = c._o;
  // Throws at once in a runtime without WebSocket when none was passed.
  const WS: any = o.WebSocket ?? defaultWebSocket();
  const subs = new Set<Sub>();
  /** The socket (undefined before it exists and after a reset). */
  let ws: Socket | undefined;
  /** The subscription table of the open socket (a new one per socket). */
  let book: Ledger;
  /** The one timer of the open socket: liveness. */
  let timer: TimerId | undefined;
  /** When a frame (or a ping) last came; when the socket opened (0: it is not open). */
  let last = 0;
  let openedAt = 0;
  /** Back-off: failures of the socket in a row, no new socket before `until`; the error of the last drop. */
  let failures = 0;
  let until = 0;
  let dropped: unknown;
  /**
   * Aborted by a reset: the socket's discovery wait and the HTTP probe after a refused upgrade.
   * Set while there is a socket or one on its way (discovery).
   */
  let socketSignal: AbortController | undefined;

  const send = (text: string): void => ws!.send(text);

  const alive = (): void => {
    last = clock.now();
    for (const sub of subs) sub._hooks._activity();
  };

  const opened = (sub: Sub): void => {
    if (!sub._open) {
      sub._open = true;
      sub._hooks._open();
      // A settled subscribe is this stream's greeting (SSE's `:)`): the socket is receiving.
      sub._hooks._activity();
    }
  };

  /** Sends what is due; opens the attempts whose stream has settled. */
  const pump = (): void => {
    if (!openedAt) return;
    book._next(subs, send);
    for (const sub of subs) if (book._on.get(sub._key)?.[1]! >= State.Settled) opened(sub);
  };

  const tick = (): void => {
    // A third of the shortest timeoutSec, at most 20 s: two signs of life fit in any timeout.
    let period = 20000;
    for (const sub of subs) period = Math.min(period, (sub._o.timeoutSec * 1000) / 3);
    const quiet = clock.now() - last;
    if (quiet >= period) book._probe(send);
    // A batch unanswered for a whole period (pings and events answer nothing): the socket is mute.
    if (book._flying && clock.now() - book._flying >= period) {
      book._answered(1);
      pump();
    }
    timer = setTimer(tick, period - (quiet % period));
  };

  /** One attempt ends: the stream is unsubscribed when no other attempt needs it; the socket closes with the last. */
  const end = (sub: Sub, err?: MastodonError): void => {
    if (!subs.delete(sub)) return;
    sub._done(err);
    if (subs.size) pump();
    else reset();
  };

  /** The socket is gone: the back-off clock moves, then every attempt ends with `err` (none: a clean end). */
  const drop = (err?: MastodonError): void => {
    // (There is an attempt: the socket is reset when the last one leaves.)
    const [{ _o: so }] = subs as unknown as [Sub];
    const wait = so.reconnectAsyncWaitSec;
    // A socket that stayed open for the base wait was healthy: the next one may open at once.
    failures = openedAt && clock.now() - openedAt >= wait * 1000 ? 0 : failures + 1;
    until = clock.now() + backoffMs(failures, wait, so.reconnectAsyncMaxWaitSec, clock.random(), (err as MastodonNetworkError)?.retryAfterSec);
    dropped = err;
    reset();
    for (const s of subs) end(s, err);
  };

  const reset = (): void => {
    // (The socket reports nothing once ended.)
    ws?._end();
    // (The old timer and controller stay: clearing or aborting them again does nothing.)
    clock.clear(timer);
    socketSignal?.abort();
    ws = socketSignal = undefined;
    openedAt = 0;
  };

  /**
   * A browser shows a refused upgrade only as close 1006. So: an HTTP GET of the first
   * stream's SSE path with the token in the header (the SSE transport's own request); a 401
   * (fatal) or a 429 (`Retry-After`) there is the answer, anything else is `unreachable`.
   * Bounded by the first attempt's `timeoutSec`, aborted by a reset (close()), and reads at
   * most a few KiB of the body.
   */
  const probe = (base: string, signal: AbortSignal): Promise<unknown> => {
    const [sub] = subs as unknown as [Sub];
    const [s, stop] = deadline(sub._o.timeoutSec * 1000, signal);
    // The stream's own request, on the base the socket tried: a 200 is stopped at once (its
    // body is not read).
    return sseTransport({ ...c, _base: async () => base })
      ._connect(sub._spec, { _open: stop } as ConnectionHooks, s, sub._o)
      .catch((e: MastodonNetworkError) => (e.status == 401 || e.status == 429) && e)
      .finally(stop);
  };

  /** Opens the socket (`signal`: aborted by a reset, which ends this socket's story). */
  const open = async (signal: AbortSignal): Promise<void> => {
    try {
      const base = await c._base(signal);
      if (signal.aborted) return;
      // The first attempt's limit is the socket's (`ws` refuses a longer frame unread).
      ws = openSocket(WS, base, o, [...subs][0]!._o.maxEventBytes, {
        _open: () => {
          book = ledger();
          openedAt = clock.now();
          alive();
          tick();
          pump();
        },
        _message(data) {
          alive();
          let m: any;
          try {
            // The message itself read as event data (as JSON.parse would read it: as a string):
            // JSON, else `Bad JSON` (bare digits stay a string, ignored below as a number would be).
            m = toPayload('', '' + data);
            // Akkoma answers each message (for no listener): its error to an unsubscribe answers
            // a marker, its error to a subscribe (`bad_topic`, `unauthorized`) is a refusal, read
            // as a 400. (=== everywhere a server value meets a string: `==` would convert an
            // object, and one whose `toString` is no function throws.)
            if (m?.event === 'pleroma:respond') {
              const r: any = toPayload('', m.payload);
              if (r?.result !== 'error') return;
              m = { error: r.error, status: r.type === 'subscribe' && 400 };
            }
          } catch (err) {
            return drop(err as MastodonError);
          }
          const error = m?.error;
          if (typeof error == 'string') {
            // A marker's answer has no status; a refused subscribe has one.
            // (An answer proves the socket answers markers: not mute.)
            const status = m.status;
            const blamed = typeof status == 'number' && status ? book._refused(error) : book._answered();
            if (blamed) {
              const err = refusal('Subscribe to ' + blamed.join(' '), status, error);
              for (const sub of subs) if (sub._key == keyOf(blamed)) end(sub, err);
            }
            // A batch settled, or a refusal ended a stream or asked for rechecks: what is due now.
            return pump();
          }
          if (typeof m?.event != 'string') return;
          const to = keyOf(m.stream);
          // (No entry: `Object` gives a throwaway object to write to.)
          Object(book._on.get(to))[1] = State.Proven;
          for (const sub of subs)
            if (sub._key == to)
              try {
                if (data.length > sub._o.maxEventBytes) throw new MastodonMalformedEventError('Event too large');
                // The payload is a string holding the JSON: parsed once more, ids kept as strings.
                const payload = typeof m.payload == 'string' ? toPayload(m.event, m.payload) : m.payload;
                // An event proves the subscribe worked, even before its marker is answered.
                opened(sub);
                sub._hooks._event(m.event, payload, m.stream);
              } catch (e) {
                end(sub, e as MastodonError);
              }
        },
        _alive: alive,
        _close: async (code, refused) => {
          // A killed session closes with 1005: a clean end, as an SSE stream's end. (1009: a
          // frame over maxPayload, refused by `ws` from its header, before reading it.)
          const err = openedAt
            ? code == 1005
              ? undefined
              : code == 1009
                ? new MastodonMalformedEventError('Event too large')
                : new MastodonNetworkError(`${PATH} closed with code ${code}`)
            : refused || ((await probe(base, signal)) as MastodonError) || unreachable(base);
          // (Not after a reset, which aborts the signal: the socket is no longer this one.)
          if (!signal.aborted) drop(err);
        },
      });
    } catch (e) {
      // A MastodonError (a refused downgrade) as it is; no cause otherwise: a runtime's message
      // may quote the URL or the subprotocol, and so the token.
      if (!signal.aborted) drop(e instanceof MastodonError ? e : unreachable());
    }
  };

  return {
    // (Negative once the wait is over: the handle then tries at once.)
    _wait: (e) => (socketSignal && e !== dropped ? undefined : until - clock.now()),
    _connect: (spec, hooks, signal, so) =>
      new Promise((resolve, reject) => {
        const sub: Sub = { _key: keyOf(spec), _spec: spec, _hooks: hooks, _o: so, _done: (err) => (err ? reject(err) : resolve()) };
        // A handle that gives up on a working socket (read timeout, frozen runtime, `online`)
        // says so by aborting with its error: the socket is suspect for every stream on it.
        // The handle aborts every attempt once it is over: the listener then finds the sub gone.
        // (The handle gives each attempt a signal of its own: `onabort` is ours.)
        signal.onabort = () => (signal.reason instanceof MastodonError && sub._open ? drop(signal.reason) : end(sub));
        subs.add(sub);
        if (socketSignal) pump();
        else void open((socketSignal = abortController()).signal);
      }),
  };
};
