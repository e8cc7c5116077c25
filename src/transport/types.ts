import type { StreamName } from '../events.js';
import type { ResolvedStreamOptions } from '../options.js';
import type { StreamSpec } from '../streams.js';

/**
 * What a transport (and catch-up) needs of the client: no more. Transports never see the
 * `Mastodon` class, so `client.ts` and `transport/*` do not import each other. Made per stream
 * by the client from its private fields; never stored on the client itself, so printing the
 * client cannot show the token.
 */
export interface ClientContext {
  /** The fetch to use (the `fetch` option, else the runtime's). */
  _fetch: () => typeof fetch;
  /**
   * The streaming base URL (http or https, no trailing slash): configured or discovered.
   * Rejects when `signal` aborts; discovery is aborted once every caller waiting for it has.
   */
  _base: (signal?: AbortSignal) => Promise<string>;
  /** The client's options that transports read (the rest of `MastodonOptions`). */
  _o: { accessToken?: string; userAgent?: string; WebSocket?: unknown; tokenInQuery?: boolean };
}

/** What a transport reports while one connection of one stream is up. (`_` names, like every internal member: esbuild mangles them.) */
export interface ConnectionHooks {
  /** The server accepted the stream (SSE: status 200; WebSocket: socket open and subscribed). */
  _open(): void;
  /** Bytes arrived, an event or a heartbeat: the connection is alive. */
  _activity(): void;
  /** One event, payload already converted (see `toPayload`). `stream` overrides the handle's own `forStream`. */
  _event(name: string, payload: unknown, stream?: StreamName): void;
  /** A heartbeat (SSE comment line). */
  _heartbeat(): void;
}

/**
 * One way of carrying a stream. `_connect` runs a single connection (`o`: the handle's options): it resolves when the
 * server ends the stream cleanly, rejects with a `MastodonError` when it fails, and returns
 * promptly (either way) once `signal` is aborted. Reconnecting, timers and back-off belong
 * to the handle, not to the transport — except for a connection shared by many handles (the
 * WebSocket), which keeps one back-off clock for all of them: `_wait(error)` then gives the
 * handle the wait in ms before its next attempt after `error`, or undefined when the failure
 * was that handle's own (the handle's back-off applies).
 */
export interface Transport {
  _connect(spec: StreamSpec, hooks: ConnectionHooks, signal: AbortSignal, o: ResolvedStreamOptions): Promise<void>;
  _wait?(error: unknown): number | undefined;
}
