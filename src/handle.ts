// Value imports in the order that lays the script-tag bundle out smallest (docs/size.md).
import { backoffMs } from './backoff.js';
import { MastodonError } from './errors/MastodonError.js';
import { MastodonIllegalArgumentError } from './errors/MastodonIllegalArgumentError.js';
import { MastodonNetworkError } from './errors/MastodonNetworkError.js';
import { redact } from './errors/redact.js';
import { abortController, clock, onOnline, setTimer, type TimerId } from './platform.js';
import { MastodonReadTimeout } from './errors/MastodonReadTimeout.js';
import type { StreamName } from './events.js';
import type { Dispatcher } from './listener.js';
import type { ResolvedStreamOptions } from './options.js';
import type { StreamPosition } from './position.js';
import type { StreamSpec } from './streams.js';
import type { ConnectionHooks, Transport } from './transport/types.js';

/** What `runAsync: true` returns. */
export interface StreamHandle {
  /** Stops at once (aborts the request); idempotent; no listener method runs after it returns. */
  close(): void;
  /** True until closed, or until the stream ended for good. */
  isAlive(): boolean;
  /** True while connected with status 200 and bytes arrived within `timeoutSec`. */
  isReceiving(): boolean;
  /** Resolves (never rejects) when the handle stops being alive. */
  readonly done: Promise<void>;
  /** With `catchUp`: where the stream stands, to resume from with `catchUp: { from }` (also after `close()`); otherwise undefined. */
  position(): StreamPosition | undefined;
}

export type HandleState = 'connecting' | 'open' | 'waiting' | 'closed';

/**
 * Something that sits between the connection and the listener and may hold live events back:
 * the catch-up after a reconnect. Without one, events go straight to the dispatcher.
 */
export interface EventGate {
  /** A connection opened; `reconnect` is false for the first one of the handle. */
  _opened(reconnect: boolean): void;
  /** A live event. */
  _event(name: string, payload: unknown, stream?: StreamName): void;
  /** The handle stopped for good. */
  _close(): void;
  _position(): StreamPosition;
}

/**
 * One stream's life: connect, read until the connection ends, tell the listener, wait, and
 * connect again. Timers, back-off, the read timeout and `close()` live here; the transport only
 * runs single connections.
 *
 * The state lives in variables of a closure made by the constructor rather than in members:
 * it minifies far smaller, and none of it (the token least of all) shows when the handle is
 * printed (`console.log`, `util.inspect`, `JSON.stringify`).
 */
export class Stream implements StreamHandle {
  /** The error that ended the handle for good, if one did. */
  declare error?: MastodonError;
  declare readonly done: Promise<void>;
  /** The stream's run, started by the constructor: resolves when it ends; rejects only in blocking mode (`runAsync: false`). */
  declare _run: Promise<void>;
  /** Where the handle stands (for tests: it is no part of the API). */
  declare _state: () => HandleState;
  declare close: () => void;
  declare isAlive: () => boolean;
  declare isReceiving: () => boolean;
  declare position: () => StreamPosition | undefined;

  constructor(spec: StreamSpec, d: Dispatcher, o: ResolvedStreamOptions, token: string | undefined, transport: Transport, gate?: EventGate) {
    // (Set to 'connecting' by the loop, which starts at the end of the constructor.)
    let state: HandleState;
    /**
     * The current attempt's controller (after it ended, aborted: aborting it again does nothing).
     * A timer or `online` aborts it with an error as its reason, which tells a shared socket that
     * its connection failed, and the loop why the attempt ended: the reason wins over the abort
     * error, and the first reason over later ones. (Both come only once the loop has begun.)
     */
    let attempt: AbortController | undefined;
    /**
     * When the current attempt began, then (once 'open') when its connection opened; when bytes
     * last came (0: none yet); when the timer is due (Infinity once bytes came soon after that: the
     * runtime was running then, see `tick`).
     */
    let start: number, last: number, due: number;
    /** How many connections of this handle opened (counted for the gate only): after one, the next is a reconnect. */
    let opens = 0;
    let failures = 0;
    /**
     * 1 once `online` or a thaw interrupted the current attempt: the reconnect is then immediate
     * and no failure of the server's (whatever else ended the attempt first, as a read timeout).
     */
    let interrupted: number;
    /** The one timer: the attempt's timeout check, or the back-off wait. */
    let timer: TimerId | undefined;
    let wake: (() => void) | undefined;
    let resolveDone: () => void;
    /** The read timeout, in ms. */
    const limit = o.timeoutSec * 1000;
    /** How late a timer may fire before the runtime counts as frozen (see `tick`). */
    const late = Math.max(limit / 2, 1000);
    /** Aborted by close(): removes the `online` and `signal` listeners. */
    const off = abortController();
    this.done = new Promise((resolve) => (resolveDone = resolve));
    this._state = () => state;

    // (`state` is changed by close() while the loop awaits: read through a function, it is not
    // narrowed to a constant across those awaits.)
    const alive = (this.isAlive = () => state != 'closed');

    this.position = () => gate?._position();

    // (`last` is 0 until bytes came: now − 0 is past any timeout.)
    this.isReceiving = () => state == 'open' && clock.now() - last < limit;

    /** The network is back or the runtime woke: reconnect now, not after a back-off or a timeout. */
    const interrupt = (message: string): void => {
      if (state == 'waiting') {
        failures = 0;
        wake?.();
      } else {
        interrupted = 1;
        attempt!.abort(new MastodonNetworkError(message));
      }
    };

    /**
     * The attempt's one timer. It is not re-armed on every chunk (that would cost a timer per
     * chunk): bytes only stamp `last`, and the timer, when it fires, works out how long the
     * silence has been and sleeps for the rest.
     *
     * A timer that fires far later than it was due means the page or worker was frozen (a laptop
     * asleep): the connection is probably dead, so reconnect at once rather than wait out the
     * read timeout. But a timer is also late in a runtime that merely throttles timers (Chrome
     * runs those of a long-hidden tab once a minute) while it goes on reading the stream: bytes
     * that came soon after the timer was due show that, and then the stream is left alone: the
     * first bytes within `late` after the due time make it Infinity, so the timer is never late.
     */
    const tick = (): void => {
      const t = clock.now();
      // Frozen: late, and no bytes read within `late` of the due time (a burst read on waking,
      // just before this timer ran, does not count: it left `due` as it was).
      if (t - due > late) return interrupt('Runtime was frozen');
      const connecting = state == 'connecting';
      let left = connecting ? o.requestTimeoutSec * 1000 - (t - start) : limit - (t - (last || start));
      if (left <= 0)
        return attempt!.abort(connecting ? new MastodonNetworkError(`No answer within ${o.requestTimeoutSec} s`) : new MastodonReadTimeout(`Nothing received for ${o.timeoutSec} s`));
      // Sleeps for the rest (at most the read timeout: the time the freeze check may wait).
      due = t + (left = Math.min(left, limit));
      timer = setTimer(tick, left);
    };

    // One hooks object for the handle's whole life: the hot path allocates nothing per chunk.
    const hooks: ConnectionHooks = {
      _open: () => {
        if (!alive()) return;
        state = 'open';
        start = clock.now();
        gate?._opened(opens++ > 0);
      },
      _activity: () => {
        const t = (last = clock.now()) - due;
        if (t > 0 && t <= late) due = 1 / 0;
      },
      // Not after close(): the listener would not get it, but catch-up would count it as
      // delivered (and its position() move past it).
      // (No stream: the dispatcher's own `forStream`.)
      _event: (name, payload, stream) => {
        if (alive()) (gate ?? d)._event(name, payload, stream);
      },
      _heartbeat: () => d._call('handleHeartbeat'),
    };

    const close = (this.close = () => {
      if (!alive()) return;
      state = 'closed';
      d._active = false;
      attempt?.abort();
      wake?.();
      clock.clear(timer);
      off.abort();
      gate?._close();
      resolveDone();
    });

    const loop = async (): Promise<void> => {
      while (alive()) {
        const ac = (attempt = abortController());
        state = 'connecting';
        interrupted = last = 0;
        // The timer, armed by a tick that finds the attempt just begun (and not late).
        due = start = clock.now();
        tick();
        // (Typed as the network error it most often is: `fatal` and `retryAfterSec` are read
        // below. `_connect` resolves to nothing: no error.)
        let error: MastodonNetworkError | void = await transport
          ._connect(spec, hooks, ac.signal, o)
          .catch((e: unknown) => (e instanceof MastodonError ? (e as MastodonNetworkError) : new MastodonNetworkError('Connection failed', { cause: e })));
        clock.clear(timer);
        // A timer's or `online`'s reason for aborting the attempt (see `attempt`) wins.
        error = ac.signal.reason ?? error;
        ac.abort();
        if (!alive()) return;
        // A connection that stayed up for the base wait (at least 0.1 s, whatever the options:
        // a base wait of 0 must not make every drop "healthy") was healthy: reconnect at once and
        // reset the count. One that ended sooner is a failure, so accept-then-drop cannot spin.
        // (Counted before onAbort, so that the listener's time is not the connection's, and an
        // `online` during onAbort resets the count for the wait that follows. Still 'open' here
        // means the connection opened, at `start`: set by the hook while the loop awaited, which
        // TypeScript does not see, hence the cast.)
        failures = interrupted || ((state as HandleState) == 'open' && clock.now() - start >= Math.max(o.reconnectAsyncWaitSec * 1000, 100)) ? 0 : failures + 1;
        // Between two connections, from here on: the one that ended is not receiving, also for
        // a listener asking in onAbort; the next attempt makes it 'connecting' (at once when
        // there is no wait).
        state = 'waiting';
        if (!error) {
          // A clean end: Mastodon does this when the session is killed. Blocking mode resolves;
          // an async handle treats it as an interruption and reconnects (to meet a 401, then stop).
          if (!o.runAsync) return;
          error = new MastodonNetworkError('The server ended the stream');
        }
        // No error leaves with the token in it (a server may echo it; a runtime may quote a header).
        redact(error, token);
        d._call('onAbort', error);
        if (!alive()) return;
        if (!o.runAsync) throw error;
        // (A MastodonIllegalArgumentError, discovery's refused downgrade, is fatal too: only the
        // caller can change what makes it.)
        if (!o.reconnectAsync || error.fatal || error instanceof MastodonIllegalArgumentError) {
          this.error = error;
          return;
        }
        const wait = interrupted ? 0 : (transport._wait?.(error) ?? backoffMs(failures, o.reconnectAsyncWaitSec, o.reconnectAsyncMaxWaitSec, clock.random(), error.retryAfterSec));
        if (wait > 0) {
          // (`wake` stays: calling it again resolves nothing, and only a waiting handle is woken.)
          await new Promise<void>((resolve) => (timer = setTimer((wake = resolve), wait)));
          clock.clear(timer);
        }
      }
    };

    const signal = o.signal;
    // `online` means the network is back: whatever we are waiting for, try again now. Only for
    // a handle that reconnects: one that does not would end (or a blocking promise reject) for it.
    onOnline(() => o.runAsync && o.reconnectAsync && interrupt('Back online'), off);
    signal?.addEventListener('abort', close, off);
    if (signal?.aborted) close();
    this._run = loop().finally(close);
  }
}
