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

export const DEFAULT_MAX_EVENT_BYTES = 16 * 1024 * 1024;

export function resolveStreamOptions(o: StreamOptions, requestTimeoutSec: number): ResolvedStreamOptions {
  const r: ResolvedStreamOptions = {
    runAsync: o.runAsync ?? false,
    reconnectAsync: o.reconnectAsync ?? false,
    reconnectAsyncWaitSec: o.reconnectAsyncWaitSec ?? 5,
    reconnectAsyncMaxWaitSec: o.reconnectAsyncMaxWaitSec ?? 300,
    timeoutSec: o.timeoutSec ?? 60,
    catchUp: o.catchUp ?? false,
    catchUpMaxItems: o.catchUpMaxItems ?? 400,
    maxEventBytes: o.maxEventBytes ?? DEFAULT_MAX_EVENT_BYTES,
    requestTimeoutSec,
  };
  // A wait of 0 is allowed (tests, local servers); a timeout or size of 0 would make no sense.
  for (const [key, min] of [['reconnectAsyncWaitSec', 0], ['reconnectAsyncMaxWaitSec', 0], ['timeoutSec', 1e-3], ['catchUpMaxItems', 0], ['maxEventBytes', 1], ['requestTimeoutSec', 1e-3]] as const) {
    const v = r[key];
    if (typeof v !== 'number' || !(v >= min) || v === Infinity) throw new MastodonIllegalArgumentError(`${key} must be a number ≥ ${min}`);
  }
  if (o.signal) r.signal = o.signal;
  return r;
}
