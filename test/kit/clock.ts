import { setImmediate as immediate, setTimeout as realDelay } from 'node:timers/promises';
import { clock as platformClock, type TimerId } from '../../src/platform.js';

type Clock = typeof platformClock;

interface Timer {
  id: number;
  at: number;
  fn: () => void;
}

/**
 * Virtual time for the library: `install()` swaps `clock` in src/platform.ts (through which
 * every module of the library reads time, timers and chance), so back-off waits, read timeouts
 * and freeze detection run exactly, without real waiting and without slack.
 *
 * Only the library's own timers are virtual. Real I/O (a fake server on loopback, fetch, a
 * WebSocket) still runs in real time: `advance()` lets the event loop turn between timers so
 * that what a timer started can make progress before the next one fires.
 *
 *     const clock = new FakeClock().install();
 *     try { …; await clock.advance(5_000); … } finally { clock.uninstall(); }
 */
export class FakeClock {
  /** Virtual now, ms since the epoch (starts at a fixed, realistic date). */
  t: number;
  /** What `random()` returns (the back-off factor is 0.5 + random / 2). */
  rand = 0.5;
  private timers: Timer[] = [];
  /** The timers of the instant being fired (`clear` can still cancel those not run yet). */
  private firing: Timer[] = [];
  private nextId = 1;
  private saved?: Clock;

  constructor(start = Date.UTC(2026, 11, 1, 12)) {
    this.t = start;
  }

  /** Swaps the library's clock for this one. Returns `this`. */
  install(): this {
    if (this.saved) return this;
    this.saved = { ...platformClock };
    Object.assign(platformClock, {
      now: () => this.t,
      random: () => this.rand,
      set: (fn: () => void, ms: number) => this.set(fn, ms),
      clear: (id: TimerId | undefined) => this.clear(id),
    } satisfies Clock);
    return this;
  }

  /** Puts the runtime's clock back (idempotent). Pending virtual timers are dropped. */
  uninstall(): void {
    if (this.saved) Object.assign(platformClock, this.saved);
    this.saved = undefined;
    this.timers = [];
  }

  now(): number {
    return this.t;
  }

  set(fn: () => void, ms: number): TimerId {
    const id = this.nextId++;
    // As setTimeout: a negative, NaN or missing delay is 0; the same 2^31−1 limit applies, so
    // a test can see what a runtime would do with an overflowing delay (it fires at once).
    const d = Number.isFinite(ms) && ms > 0 && ms <= 2 ** 31 - 1 ? ms : 0;
    this.timers.push({ id, at: this.t + d, fn });
    return id as unknown as TimerId;
  }

  clear(id: TimerId | undefined): void {
    this.timers = this.timers.filter((x) => x.id !== (id as unknown as number));
    // Due at this instant and not run yet: as a runtime's clearTimeout, it will not run.
    for (const x of this.firing) if (x.id === (id as unknown as number)) x.fn = () => {};
  }

  /** Virtual timers still pending. */
  pending(): number {
    return this.timers.length;
  }

  /** Delays (from now) of the pending timers, soonest first. */
  delays(): number[] {
    return this.timers.map((x) => x.at - this.t).sort((a, b) => a - b);
  }

  /** Lets real I/O and promise chains run: `turns` turns of the event loop. */
  async flush(turns = 5): Promise<void> {
    for (let i = 0; i < turns; i++) await immediate();
  }

  /**
   * Moves virtual time forward by `ms`, firing every timer that falls due on the way, in order
   * (timers set by a firing timer included), with the event loop turned after each instant.
   * Timers due at the same instant fire together, with no I/O between them, as a runtime's
   * timer phase runs them.
   */
  async advance(ms: number): Promise<void> {
    const end = this.t + ms;
    await this.flush();
    for (;;) {
      const next = this.soonest();
      if (!next || next.at > end) break;
      const due = this.timers.filter((x) => x.at <= next.at).sort((a, b) => a.at - b.at || a.id - b.id);
      this.timers = this.timers.filter((x) => !due.includes(x));
      this.t = Math.max(this.t, next.at);
      this.firing = due;
      for (const x of due) x.fn();
      this.firing = [];
      await this.flush();
    }
    this.t = end;
    await this.flush();
  }

  /**
   * Moves now forward by `ms` WITHOUT firing the timers that fall due: a frozen runtime (a
   * laptop asleep, a blocked event loop). They fire late, at the next `advance()`/`next()`.
   */
  jump(ms: number): void {
    this.t += ms;
  }

  /**
   * Runs virtual time along with real time, for end-to-end tests with real I/O, but never
   * faster and never in jumps: every millisecond or so it advances by the real time that passed,
   * at most `maxStepMs` at once. A loaded machine (a stalled event loop, a process off the CPU)
   * thus slows virtual time down instead of making timers late, turning a slow round trip into a
   * read timeout or a stall into a "frozen runtime". Returns `stop`.
   */
  run(maxStepMs = 10): () => Promise<void> {
    let stopped = false;
    const loop = (async () => {
      let last = performance.now();
      while (!stopped && this.saved) {
        await realDelay(1);
        const now = performance.now();
        const step = Math.min(maxStepMs, now - last);
        last = now;
        await this.advance(step);
      }
    })();
    return async () => {
      stopped = true;
      await loop;
    };
  }

  /** Fires the next timer (moving time to it); false when none is pending. */
  async next(): Promise<boolean> {
    const next = this.soonest();
    if (!next) return false;
    await this.advance(next.at - this.t);
    return true;
  }

  /**
   * Advances in steps of `stepMs` until `cond()` holds, at most `maxMs` of virtual time;
   * throws (naming `what`) if it never does.
   */
  async until(cond: () => boolean, { maxMs = 600_000, stepMs = 100, what = 'condition' } = {}): Promise<void> {
    const end = this.t + maxMs;
    while (!cond()) {
      if (this.t >= end) throw new Error(`FakeClock.until: ${what} not met within ${maxMs} ms of virtual time`);
      await this.advance(stepMs);
    }
  }

  private soonest(): Timer | undefined {
    let best: Timer | undefined;
    for (const x of this.timers) if (!best || x.at < best.at) best = x;
    return best;
  }
}
