import { backoffMs } from './backoff.js';
import { MastodonError } from './errors/MastodonError.js';
import { MastodonNetworkError } from './errors/MastodonNetworkError.js';
import { MastodonReadTimeout } from './errors/MastodonReadTimeout.js';
import type { StreamName } from './events.js';
import type { Dispatcher } from './listener.js';
import type { ResolvedStreamOptions } from './options.js';
import type { StreamPosition } from './position.js';
import { abortController, clearTimer, now, onOnline, random, setTimer, type TimerId } from './platform.js';
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
  opened(reconnect: boolean): void;
  /** A live event. */
  event(name: string, payload: unknown, stream: StreamName): void;
  /** The handle stopped for good. */
  close(): void;
  position(): StreamPosition;
}

/** Marks a failure after which the reconnect is immediate and is no failure of the server's. */
class Interruption extends MastodonNetworkError {}

/**
 * One stream's life: connect, read until the connection ends, tell the listener, wait, and
 * connect again. Timers, back-off, the read timeout and `close()` live here; the transport only
 * runs single connections.
 */
export class Stream implements StreamHandle {
  state: HandleState = 'connecting';
  /** The error that ended the handle for good, if one did. */
  error?: MastodonError;
  readonly done: Promise<void>;
  gate?: EventGate;

  private _transport: Transport;
  private _spec: StreamSpec;
  private _d: Dispatcher;
  private _o: ResolvedStreamOptions;
  private _token?: string;
  private _hooks: ConnectionHooks;
  private _attempt?: AbortController;
  /** Set by a timer or `online` before it aborts the attempt: the reason wins over the abort error. */
  private _failure?: MastodonError;
  /** When the current attempt began, when its connection opened (0: not yet), when bytes last came (0: none yet). */
  private _start = 0;
  private _opened = 0;
  private _last = 0;
  /** A connection of this handle has opened before: the next one is a reconnect. */
  private _reconnect = false;
  private _failures = 0;
  /** The one timer: the attempt's timeout check, or the back-off wait. */
  private _timer?: TimerId;
  private _due = 0;
  /** When bytes first came after the timer was due (0: not yet): shows the runtime was running then. */
  private _seen = 0;
  private _wake?: () => void;
  private _resolve!: () => void;
  private _off?: () => void;

  constructor(transport: Transport, spec: StreamSpec, d: Dispatcher, opts: ResolvedStreamOptions, token?: string, gate?: EventGate) {
    this._transport = transport;
    this._spec = spec;
    this._d = d;
    this._o = opts;
    this._token = token;
    this.gate = gate;
    this.done = new Promise((resolve) => (this._resolve = resolve));
    // One hooks object for the handle's whole life: the hot path allocates nothing per chunk.
    this._hooks = {
      open: () => {
        if (this.state == 'closed') return;
        this.state = 'open';
        this._opened = now();
        const reconnect = this._reconnect;
        this._reconnect = true;
        this.gate?.opened(reconnect);
      },
      activity: () => {
        const t = (this._last = now());
        if (!this._seen && t > this._due) this._seen = t;
      },
      event: (name, payload, stream = d.forStream) => {
        if (this.state == 'closed') return;
        if (this.gate) this.gate.event(name, payload, stream);
        else d.event(name, payload, stream);
      },
      heartbeat: () => d.call('handleHeartbeat'),
    };
  }

  /** Runs the stream. Resolves when it ends; rejects only in blocking mode (`runAsync: false`). */
  run(): Promise<void> {
    const signal = this._o.signal;
    const close = () => this.close();
    // `online` means the network is back: whatever we are waiting for, try again now.
    const stopOnline = onOnline(() => this._interrupt('Back online'));
    signal?.addEventListener('abort', close);
    this._off = () => {
      stopOnline();
      signal?.removeEventListener('abort', close);
    };
    if (signal?.aborted) close();
    return this._loop().finally(close);
  }

  close(): void {
    if (this.state == 'closed') return;
    this.state = 'closed';
    this._d.active = false;
    this._attempt?.abort();
    this._wake?.();
    clearTimer(this._timer);
    this._off?.();
    this.gate?.close();
    this._resolve();
  }

  isAlive(): boolean {
    return this.state != 'closed';
  }

  position(): StreamPosition | undefined {
    return this.gate?.position();
  }

  isReceiving(): boolean {
    return this.state == 'open' && this._last > 0 && now() - this._last < this._o.timeoutSec * 1000;
  }

  // `state` is changed by close() while _loop() awaits; reading it through a method keeps
  // TypeScript from narrowing it to a constant across those awaits.
  private _closed(): boolean {
    return this.state == 'closed';
  }

  private async _loop(): Promise<void> {
    const o = this._o;
    while (!this._closed()) {
      const ac = (this._attempt = abortController());
      this._failure = undefined;
      this.state = 'connecting';
      this._opened = this._last = 0;
      this._start = now();
      this._arm(Math.min(o.requestTimeoutSec, o.timeoutSec) * 1000);
      let error: MastodonError | undefined;
      try {
        await this._transport.connect(this._spec, this._hooks, ac.signal, o);
      } catch (e) {
        error = e instanceof MastodonError ? e : new MastodonNetworkError('Connection failed', { cause: e });
      }
      clearTimer(this._timer);
      this._attempt = undefined;
      ac.abort();
      if (this._closed()) return;
      // A connection that stayed up for the base wait was healthy: reconnect at once and reset
      // the count. One that ended sooner is a failure, so accept-then-drop cannot spin.
      const healthy = this._opened > 0 && now() - this._opened >= o.reconnectAsyncWaitSec * 1000;
      error = this._failure ?? error;
      if (!error) {
        // A clean end: Mastodon does this when the session is killed. Blocking mode resolves;
        // an async handle treats it as an interruption and reconnects (to meet a 401, then stop).
        if (!o.runAsync) return;
        error = new MastodonNetworkError('The server ended the stream');
      }
      this._scrub(error);
      this._d.call('onAbort', error);
      if (this._closed()) return;
      if (!o.runAsync) throw error;
      const e = error as MastodonNetworkError;
      if (!o.reconnectAsync || e.fatal) {
        this.error = error;
        return;
      }
      const now_ = error instanceof Interruption;
      this._failures = now_ || healthy ? 0 : this._failures + 1;
      const wait = now_ ? 0 : (this._transport.wait?.(e) ?? backoffMs(this._failures, o.reconnectAsyncWaitSec, o.reconnectAsyncMaxWaitSec, random(), e.retryAfterSec));
      if (wait > 0) {
        this.state = 'waiting';
        await new Promise<void>((resolve) => {
          this._wake = resolve;
          this._timer = setTimer(resolve, wait);
        });
        clearTimer(this._timer);
        this._wake = undefined;
      }
    }
  }

  /**
   * The attempt's one timer. It is not re-armed on every chunk (that would cost a timer per
   * chunk): bytes only stamp `_last`, and the timer, when it fires, works out how long the
   * silence has been and sleeps for the rest.
   *
   * A timer that fires far later than it was due means the page or worker was frozen (a laptop
   * asleep): the connection is probably dead, so reconnect at once rather than wait out the
   * read timeout. But a timer is also late in a runtime that merely throttles timers (Chrome
   * runs those of a long-hidden tab once a minute) while it goes on reading the stream: bytes
   * that came soon after the timer was due show that, and then the stream is left alone.
   */
  private _arm(ms: number): void {
    this._due = now() + ms;
    this._seen = 0;
    this._timer = setTimer(this._tick, ms);
  }

  private readonly _tick = (): void => {
    const t = now();
    const o = this._o;
    const limit = o.timeoutSec * 1000;
    const late = Math.max(limit / 2, 1000);
    // Frozen: late, and no bytes read within `late` of the due time (a burst read on waking,
    // just before this timer ran, does not count).
    if (t - this._due > late && !(this._seen && this._seen - this._due <= late)) return this._interrupt('Runtime was frozen');
    const connecting = this.state == 'connecting';
    const left = connecting ? o.requestTimeoutSec * 1000 - (t - this._start) : limit - (t - (this._last || this._opened));
    if (left > 0) return this._arm(Math.min(left, limit));
    this._fail(connecting ? new MastodonNetworkError(`No answer within ${o.requestTimeoutSec} s`) : new MastodonReadTimeout(`Nothing received for ${o.timeoutSec} s`));
  };

  /** Ends the current attempt with `error` as its reason (which tells a shared socket that its connection failed). */
  private _fail(error: MastodonError): void {
    if (!this._attempt) return;
    this._failure = error;
    this._attempt.abort(error);
  }

  /** The network is back or the runtime woke: reconnect now, not after a back-off or a timeout. */
  private _interrupt(message: string): void {
    if (this.state == 'waiting') {
      this._failures = 0;
      this._wake?.();
    } else this._fail(new Interruption(message));
  }

  /** No error leaves the library with the access token in its message or in the server's message it quotes. */
  private _scrub(error: MastodonError): void {
    const token = this._token;
    const e = error as unknown as Record<string, unknown>;
    if (token) for (const k of ['message', 'serverMessage']) if (typeof e[k] == 'string' && (e[k] as string).includes(token)) e[k] = (e[k] as string).split(token).join('[redacted]');
  }
}
