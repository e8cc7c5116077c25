import { MastodonIllegalArgumentError } from './errors/MastodonIllegalArgumentError.js';
import type { StreamPosition } from './position.js';

/** Options of every `stream*` method. */
export interface StreamOptions {
  /** `false`: the call returns a promise that settles when the stream ends. `true`: it returns a `StreamHandle` at once. */
  runAsync?: boolean;
  /** With `runAsync`: reconnect after any retryable failure. Default false. */
  reconnectAsync?: boolean;
  /** Base wait between reconnection attempts, seconds. Default 5. */
  reconnectAsyncWaitSec?: number;
  /** Cap of the back-off, seconds. Default 300. */
  reconnectAsyncMaxWaitSec?: number;
  /** Longest silence (not even a heartbeat) before the connection counts as dead, seconds. Default 60. */
  timeoutSec?: number;
  /** Aborting it equals `close()`; a blocking promise then resolves. */
  signal?: AbortSignal;
  /**
   * After a reconnect, fetch what the stream missed over REST. Default false. `{ from: position }`
   * (a `handle.position()` of the same stream, saved before a restart): first fill everything
   * since then. `{ from: undefined }` equals `true`.
   */
  catchUp?: boolean | { from?: StreamPosition | null };
  /** Most items one catch-up delivers. Default 400. */
  catchUpMaxItems?: number;
  /** Largest event accepted, bytes; a larger one is malformed (`Event too large`). Default 16 MiB. */
  maxEventBytes?: number;
}

/** Options with every default filled in. */
export type ResolvedStreamOptions = Required<Omit<StreamOptions, 'signal'>> & { signal?: AbortSignal; requestTimeoutSec: number };

const DEFAULTS = {
  runAsync: false,
  reconnectAsync: false,
  reconnectAsyncWaitSec: 5,
  reconnectAsyncMaxWaitSec: 300,
  timeoutSec: 60,
  catchUp: false,
  catchUpMaxItems: 400,
  maxEventBytes: 16 * 1024 * 1024,
};

/** Throws `MastodonIllegalArgumentError`: `<name> must be <what>`. Never quotes the value (it may be the token). */
export const bad = (name: string, what: string): never => {
  throw new MastodonIllegalArgumentError(name + ' must be ' + what);
};

/** Fills in the defaults and refuses a number option that is no finite number ≥ 0 (a string included). */
export function resolveStreamOptions(o: StreamOptions, requestTimeoutSec: number): ResolvedStreamOptions {
  const r: Record<string, unknown> = { signal: o.signal, requestTimeoutSec };
  for (const key in DEFAULTS) {
    const d = DEFAULTS[key as keyof typeof DEFAULTS];
    const v = (r[key] = o[key as keyof StreamOptions] ?? d);
    // A number option takes a finite number ≥ 0, nothing else: 'five' or '1KB' would turn a wait
    // into NaN (a timer of 1 ms: a request storm) or switch a limit off.
    if (typeof d == 'number' && !(typeof v == 'number' && v >= 0 && v < 1 / 0)) bad(key, 'a number ≥ 0');
  }
  return r as ResolvedStreamOptions;
}
