import { MastodonIllegalArgumentError } from './errors/MastodonIllegalArgumentError.js';

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
  /** After a reconnect, fetch what the stream missed over REST. Default false. */
  catchUp?: boolean;
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

/** Fills in the defaults and refuses numbers that make no sense (negative, infinite, NaN, a zero timeout). */
export function resolveStreamOptions(o: StreamOptions, requestTimeoutSec: number): ResolvedStreamOptions {
  const r: Record<string, unknown> = { signal: o.signal, requestTimeoutSec };
  for (const key in DEFAULTS) r[key] = o[key as keyof StreamOptions] ?? DEFAULTS[key as keyof typeof DEFAULTS];
  for (const key in r) {
    const v = r[key];
    // A wait of 0 is fine (tests, local servers); a timeout of 0 is not.
    if (typeof v == 'number' && !(v >= 0 && v < Infinity && (v > 0 || key.includes('Wait') || key[0] == 'c'))) {
      throw new MastodonIllegalArgumentError(key + ' must be a number ≥ 0' + (key.includes('Wait') ? '' : ' and not 0'));
    }
  }
  return r as ResolvedStreamOptions;
}
