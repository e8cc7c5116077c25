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

  private attempt?: AbortController;
  /** Set by a timer or `online` before it aborts the attempt: the reason wins over the abort error. */
  private failure?: MastodonError;
  private attemptStart = 0;
  private lastActivity = 0;
  private openedAt = 0;
  private everOpened = false;
  private failures = 0;
  private timer?: TimerId;
  private timerDue = 0;
  private wake?: () => void;
  private resolveDone!: () => void;
  private stopOnline?: () => void;
  private readonly onAbortSignal = () => this.close();
  private readonly hooks: ConnectionHooks;

  constructor(
    private readonly transport: Transport,
    private readonly spec: StreamSpec,
    private readonly dispatcher: Dispatcher,
    private readonly opts: ResolvedStreamOptions,
    private readonly accessToken: string | undefined,
    public gate?: EventGate,
  ) {
    this.done = new Promise((resolve) => (this.resolveDone = resolve));
    // One hooks object for the handle's whole life: the hot path allocates nothing per chunk.
    this.hooks = {
      open: () => {
        if (this.state === 'closed') return;
        this.state = 'open';
        this.openedAt = this.lastActivity = now();
        const reconnect = this.everOpened;
        this.everOpened = true;
        this.gate?.opened(reconnect);
      },
      activity: () => {
        this.lastActivity = now();
      },
      event: (name, payload, stream) => {
        if (this.state === 'closed') return;
        const s = stream ?? this.dispatcher.forStream;
        if (this.gate) this.gate.event(name, payload, s);
        else this.dispatcher.event(name, payload, s);
      },
      heartbeat: () => this.dispatcher.heartbeat(),
    };
  }

  /** Runs the stream. Resolves when it ends; rejects only in blocking mode (`runAsync: false`). */
  run(): Promise<void> {
    const { signal } = this.opts;
    if (signal?.aborted) {
      this.close();
      return Promise.resolve();
    }
    signal?.addEventListener('abort', this.onAbortSignal, { once: true });
    // `online` means the network is back: whatever we are waiting for, try again now.
    this.stopOnline = onOnline(() => this.interrupt('The network came back online'));
    return this.loop().finally(() => this.finish());
  }

  close(): void {
    if (this.state === 'closed') return;
    this.state = 'closed';
    this.dispatcher.active = false;
    this.attempt?.abort();
    this.wake?.();
    this.finish();
  }

  isAlive(): boolean {
    return this.state !== 'closed';
  }

  isReceiving(): boolean {
    return this.state === 'open' && now() - this.lastActivity < this.opts.timeoutSec * 1000;
  }

  private finish(): void {
    if (this.state !== 'closed') {
      this.state = 'closed';
      this.dispatcher.active = false;
    }
    clearTimer(this.timer);
    this.timer = undefined;
    this.opts.signal?.removeEventListener('abort', this.onAbortSignal);
    this.stopOnline?.();
    this.stopOnline = undefined;
    this.gate?.close();
    this.resolveDone();
  }

  private async loop(): Promise<void> {
    const { opts } = this;
    for (;;) {
      if (this.state === 'closed') return;
      const ac = abortController();
      this.attempt = ac;
      this.failure = undefined;
      this.state = 'connecting';
      this.openedAt = 0;
      this.attemptStart = now();
      this.schedule(Math.min(opts.requestTimeoutSec, opts.timeoutSec) * 1000);
      let err: unknown;
      let clean = false;
      try {
        await this.transport.connect(this.spec, this.hooks, ac.signal);
        clean = true;
      } catch (e) {
        err = e;
      } finally {
        clearTimer(this.timer);
        this.timer = undefined;
        this.attempt = undefined;
        ac.abort();
      }
      if (this.isClosed()) return;
      const upMs = this.openedAt ? now() - this.openedAt : 0;
      let error: MastodonError;
      if (this.failure) error = this.failure;
      else if (clean) {
        // A clean end: Mastodon does this when the session is killed. Blocking mode resolves;
        // an async handle treats it as an interruption and reconnects (to meet a 401, then stop).
        if (!opts.runAsync) return;
        error = new MastodonNetworkError('The server ended the stream');
      } else error = this.asMastodonError(err);
      this.scrub(error);

      this.dispatcher.abort(error);
      if (this.isClosed()) return;
      if (!opts.runAsync) throw error;
      if (!opts.reconnectAsync || (error instanceof MastodonNetworkError && error.fatal)) {
        this.error = error;
        return;
      }
      // A connection that stayed up for the base wait was healthy: reconnect at once and reset
      // the count. One that ended sooner is a failure, so accept-then-drop cannot spin.
      if (error instanceof Interruption || upMs >= opts.reconnectAsyncWaitSec * 1000) this.failures = 0;
      else this.failures++;
      const retryAfter = error instanceof MastodonNetworkError ? error.retryAfterSec : undefined;
      const wait = error instanceof Interruption ? 0 : backoffMs(this.failures, { baseSec: opts.reconnectAsyncWaitSec, maxSec: opts.reconnectAsyncMaxWaitSec }, retryAfter);
      if (wait > 0) {
        this.state = 'waiting';
        await this.sleep(wait);
      }
    }
  }

  // `state` is changed by close() while loop() awaits; reading it through a method keeps
  // TypeScript from narrowing it to a constant across those awaits.
  private isClosed(): boolean {
    return this.state === 'closed';
  }

  private sleep(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const t = setTimer(() => done(), ms);
      const done = () => {
        clearTimer(t);
        this.wake = undefined;
        resolve();
      };
      this.wake = done;
    });
  }

  /**
   * The connection's one timer. It is not re-armed on every chunk (that would cost a timer per
   * chunk): bytes only stamp `lastActivity`, and the timer, when it fires, works out how long
   * the silence has been and sleeps for the rest. A timer that fires far later than it was due
   * means the page or worker was frozen (a laptop asleep): the connection is probably dead,
   * so reconnect at once rather than wait out the read timeout.
   */
  private schedule(ms: number): void {
    this.timerDue = now() + ms;
    this.timer = setTimer(this.onTimer, ms);
  }

  private readonly onTimer = (): void => {
    this.timer = undefined;
    const t = now();
    const timeoutMs = this.opts.timeoutSec * 1000;
    if (t - this.timerDue > Math.max(timeoutMs / 2, 1000)) {
      this.interrupt('The runtime was frozen; reconnecting');
      return;
    }
    if (this.state === 'connecting') {
      const limitMs = this.opts.requestTimeoutSec * 1000;
      const left = limitMs - (t - this.attemptStart);
      if (left <= 0) {
        this.fail(new MastodonNetworkError(`No answer within ${this.opts.requestTimeoutSec} s`));
        return;
      }
      this.schedule(Math.min(left, timeoutMs));
      return;
    }
    const left = timeoutMs - (t - this.lastActivity);
    if (left <= 0) {
      this.fail(new MastodonReadTimeout(`Nothing received for ${this.opts.timeoutSec} s`));
      return;
    }
    // Never re-arm for less than a few milliseconds: a tight loop helps nobody.
    this.schedule(Math.max(left, Math.min(timeoutMs / 4, 50)));
  };

  /** Ends the current attempt with `error` as its reason. */
  private fail(error: MastodonError): void {
    if (!this.attempt) return;
    this.failure = error;
    this.attempt.abort();
  }

  /** The network is back or the runtime woke: reconnect now, not after a back-off or a timeout. */
  private interrupt(message: string): void {
    if (this.state === 'closed') return;
    if (this.state === 'waiting') {
      this.failures = 0;
      this.wake?.();
    } else {
      this.fail(new Interruption(message));
    }
  }

  private asMastodonError(err: unknown): MastodonError {
    if (err instanceof MastodonError) return err;
    return new MastodonNetworkError('Connection failed', { cause: err });
  }

  /** No error leaves the library with the access token in its message. */
  private scrub(error: MastodonError): void {
    const token = this.accessToken;
    if (token && error.message.includes(token)) error.message = error.message.split(token).join('[redacted]');
  }
}
