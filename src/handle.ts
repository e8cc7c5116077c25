import { backoffMs } from './backoff.js';
import { MastodonError } from './errors/MastodonError.js';
import { MastodonNetworkError } from './errors/MastodonNetworkError.js';
import { MastodonReadTimeout } from './errors/MastodonReadTimeout.js';
import type { StreamName } from './events.js';
import type { Dispatcher } from './listener.js';
import type { ResolvedStreamOptions } from './options.js';
import { abortController, clearTimer, now, onOnline, setTimer, type TimerId } from './platform.js';
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
}

/** Marks a failure after which the reconnect is immediate and is no failure of the server's. */
class Interruption extends MastodonNetworkError {
  override name = 'MastodonNetworkError';
}

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

  private _attempt?: AbortController;
  /** Set by a timer or `online` before it aborts the attempt: the reason wins over the abort error. */
  private _failure?: MastodonError;
  private _attemptStart = 0;
  private _lastActivity = 0;
  private _openedAt = 0;
  private _everOpened = false;
  private _failures = 0;
  private _timer?: TimerId;
  private _timerDue = 0;
  private _wake?: () => void;
  private _resolveDone!: () => void;
  private _stopOnline?: () => void;
  private readonly _onAbortSignal = () => this.close();
  private readonly _hooks: ConnectionHooks;

  constructor(
    private readonly _transport: Transport,
    private readonly _spec: StreamSpec,
    private readonly _dispatcher: Dispatcher,
    private readonly _opts: ResolvedStreamOptions,
    private readonly _accessToken: string | undefined,
    public gate?: EventGate,
  ) {
    this.done = new Promise((resolve) => (this._resolveDone = resolve));
    // One hooks object for the handle's whole life: the hot path allocates nothing per chunk.
    this._hooks = {
      open: () => {
        if (this.state === 'closed') return;
        this.state = 'open';
        this._openedAt = this._lastActivity = now();
        const reconnect = this._everOpened;
        this._everOpened = true;
        this.gate?.opened(reconnect);
      },
      activity: () => {
        this._lastActivity = now();
      },
      event: (name, payload, stream) => {
        if (this.state === 'closed') return;
        const s = stream ?? this._dispatcher.forStream;
        if (this.gate) this.gate.event(name, payload, s);
        else this._dispatcher.event(name, payload, s);
      },
      heartbeat: () => this._dispatcher.heartbeat(),
    };
  }

  /** Runs the stream. Resolves when it ends; rejects only in blocking mode (`runAsync: false`). */
  run(): Promise<void> {
    const { signal } = this._opts;
    if (signal?.aborted) {
      this.close();
      return Promise.resolve();
    }
    signal?.addEventListener('abort', this._onAbortSignal, { once: true });
    // `online` means the network is back: whatever we are waiting for, try again now.
    this._stopOnline = onOnline(() => this._interrupt('The network came back online'));
    return this._loop().finally(() => this._finish());
  }

  close(): void {
    if (this.state === 'closed') return;
    this.state = 'closed';
    this._dispatcher.active = false;
    this._attempt?.abort();
    this._wake?.();
    this._finish();
  }

  isAlive(): boolean {
    return this.state !== 'closed';
  }

  isReceiving(): boolean {
    return this.state === 'open' && now() - this._lastActivity < this._opts.timeoutSec * 1000;
  }

  private _finish(): void {
    if (this.state !== 'closed') {
      this.state = 'closed';
      this._dispatcher.active = false;
    }
    clearTimer(this._timer);
    this._timer = undefined;
    this._opts.signal?.removeEventListener('abort', this._onAbortSignal);
    this._stopOnline?.();
    this._stopOnline = undefined;
    this.gate?.close();
    this._resolveDone();
  }

  private async _loop(): Promise<void> {
    const opts = this._opts;
    for (;;) {
      if (this.state === 'closed') return;
      const ac = abortController();
      this._attempt = ac;
      this._failure = undefined;
      this.state = 'connecting';
      this._openedAt = 0;
      this._attemptStart = now();
      this._schedule(Math.min(opts.requestTimeoutSec, opts.timeoutSec) * 1000);
      let err: unknown;
      let clean = false;
      try {
        await this._transport.connect(this._spec, this._hooks, ac.signal);
        clean = true;
      } catch (e) {
        err = e;
      } finally {
        clearTimer(this._timer);
        this._timer = undefined;
        this._attempt = undefined;
        ac.abort();
      }
      if (this._isClosed()) return;
      const upMs = this._openedAt ? now() - this._openedAt : 0;
      let error: MastodonError;
      if (this._failure) error = this._failure;
      else if (clean) {
        // A clean end: Mastodon does this when the session is killed. Blocking mode resolves;
        // an async handle treats it as an interruption and reconnects (to meet a 401, then stop).
        if (!opts.runAsync) return;
        error = new MastodonNetworkError('The server ended the stream');
      } else error = this._asMastodonError(err);
      this._scrub(error);

      this._dispatcher.abort(error);
      if (this._isClosed()) return;
      if (!opts.runAsync) throw error;
      if (!opts.reconnectAsync || (error instanceof MastodonNetworkError && error.fatal)) {
        this.error = error;
        return;
      }
      // A connection that stayed up for the base wait was healthy: reconnect at once and reset
      // the count. One that ended sooner is a failure, so accept-then-drop cannot spin.
      if (error instanceof Interruption || upMs >= opts.reconnectAsyncWaitSec * 1000) this._failures = 0;
      else this._failures++;
      const retryAfter = error instanceof MastodonNetworkError ? error.retryAfterSec : undefined;
      const wait = error instanceof Interruption ? 0 : backoffMs(this._failures, { baseSec: opts.reconnectAsyncWaitSec, maxSec: opts.reconnectAsyncMaxWaitSec }, retryAfter);
      if (wait > 0) {
        this.state = 'waiting';
        await this._sleep(wait);
      }
    }
  }

  // `state` is changed by close() while loop() awaits; reading it through a method keeps
  // TypeScript from narrowing it to a constant across those awaits.
  private _isClosed(): boolean {
    return this.state === 'closed';
  }

  private _sleep(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const t = setTimer(() => done(), ms);
      const done = () => {
        clearTimer(t);
        this._wake = undefined;
        resolve();
      };
      this._wake = done;
    });
  }

  /**
   * The connection's one timer. It is not re-armed on every chunk (that would cost a timer per
   * chunk): bytes only stamp `lastActivity`, and the timer, when it fires, works out how long
   * the silence has been and sleeps for the rest. A timer that fires far later than it was due
   * means the page or worker was frozen (a laptop asleep): the connection is probably dead,
   * so reconnect at once rather than wait out the read timeout.
   */
  private _schedule(ms: number): void {
    this._timerDue = now() + ms;
    this._timer = setTimer(this._onTimer, ms);
  }

  private readonly _onTimer = (): void => {
    this._timer = undefined;
    const t = now();
    const timeoutMs = this._opts.timeoutSec * 1000;
    if (t - this._timerDue > Math.max(timeoutMs / 2, 1000)) {
      this._interrupt('The runtime was frozen; reconnecting');
      return;
    }
    if (this.state === 'connecting') {
      const limitMs = this._opts.requestTimeoutSec * 1000;
      const left = limitMs - (t - this._attemptStart);
      if (left <= 0) {
        this._fail(new MastodonNetworkError(`No answer within ${this._opts.requestTimeoutSec} s`));
        return;
      }
      this._schedule(Math.min(left, timeoutMs));
      return;
    }
    const left = timeoutMs - (t - this._lastActivity);
    if (left <= 0) {
      this._fail(new MastodonReadTimeout(`Nothing received for ${this._opts.timeoutSec} s`));
      return;
    }
    // Never re-arm for less than a few milliseconds: a tight loop helps nobody.
    this._schedule(Math.max(left, Math.min(timeoutMs / 4, 50)));
  };

  /** Ends the current attempt with `error` as its reason. */
  private _fail(error: MastodonError): void {
    if (!this._attempt) return;
    this._failure = error;
    // The reason tells a shared transport (WebSocket) that its connection failed, not that the handle closed.
    this._attempt.abort(error);
  }

  /** The network is back or the runtime woke: reconnect now, not after a back-off or a timeout. */
  private _interrupt(message: string): void {
    if (this.state === 'closed') return;
    if (this.state === 'waiting') {
      this._failures = 0;
      this._wake?.();
    } else {
      this._fail(new Interruption(message));
    }
  }

  private _asMastodonError(err: unknown): MastodonError {
    if (err instanceof MastodonError) return err;
    return new MastodonNetworkError('Connection failed', { cause: err });
  }

  /** No error leaves the library with the access token in its message or the server's message it quotes. */
  private _scrub(error: MastodonError): void {
    const token = this._accessToken;
    const e = error as { message: string; serverMessage?: string };
    if (token) for (const k of ['message', 'serverMessage'] as const) if (e[k]?.includes(token)) e[k] = e[k]!.split(token).join('[redacted]');
  }
}
