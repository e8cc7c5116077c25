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

/** The stream options' defaults, which are also the examples of their types (see `check`). */
export const DEFAULTS = {
  runAsync: false,
  reconnectAsync: false,
  reconnectAsyncWaitSec: 5,
  reconnectAsyncMaxWaitSec: 300,
  timeoutSec: 60,
  catchUp: false,
  catchUpMaxItems: 400,
  maxEventBytes: 16 * 1024 * 1024,
  // streamPublic's and streamHashtag's (only checked here)
  local: false,
  remote: false,
  onlyMedia: false,
};

/**
 * Throws `MastodonIllegalArgumentError`: `<name> must be <what>` (an option: never quoting its
 * value, which may be the token), or just `name` (any other message).
 */
export const bad = (name: string, what?: string): never => {
  throw new MastodonIllegalArgumentError(what ? name + ' must be ' + what : name);
};

/**
 * The constructor's options, each as an example of its type (see `check`; any function will do
 * for `fetch` and `WebSocket`). (`apiBaseUrl`, `streamingBaseUrl` and `transport` are checked by
 * value, which covers the type.)
 */
export const CLIENT_OPTIONS = {
  accessToken: '',
  userAgent: '',
  fetch: bad,
  WebSocket: bad,
  tokenInQuery: false,
  requestTimeoutSec: 0,
};

/**
 * Refuses an option of the wrong type: each of `types` (an example value per option) may be
 * left out (undefined or null), else has the example's type, and: a number is finite and ≥ 0
 * ('five' would turn a wait into NaN, a timer of 1 ms: a request storm; '1KB' would switch a
 * limit off; 1e400 is Infinity), and > 0 for a timeout or a size (0 would time out or refuse
 * everything at once, timers spinning); a string has no control character (a token or user
 * agent with CR, LF or NUL makes a runtime refuse the header, quoting it in its error);
 * `catchUp` may also be an object (`{ from }`). Returns `r` with each option's value, or the
 * table's where it was left out (for `DEFAULTS`: its default).
 */
export const check = <R extends object>(o: object, types: object, r = {} as R): R => {
  for (const key in types) {
    const v = (o as Record<string, any>)[key];
    const type = typeof (types as Record<string, unknown>)[key];
    const positive = /imeout|Bytes/.test(key);
    if (
      v != null &&
      !(key == 'catchUp' && typeof v == 'object') &&
      (typeof v != type || (type == 'number' ? !(v >= 0 && v < 1 / 0) || (positive && !v) : type == 'string' && /[\0-\x1f\x7f]/.test(v)))
    )
      bad(key, 'a ' + type + (type == 'number' ? (positive ? ' > 0' : ' ≥ 0') : type == 'string' ? ' without control characters' : ''));
    (r as Record<string, unknown>)[key] = v ?? (types as Record<string, unknown>)[key];
  }
  return r;
};
