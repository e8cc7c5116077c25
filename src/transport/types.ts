import type { StreamName } from '../events.js';
import type { StreamSpec } from '../streams.js';

/** What a transport reports while one connection of one stream is up. */
export interface ConnectionHooks {
  /** The server accepted the stream (SSE: status 200; WebSocket: socket open and subscribed). */
  open(): void;
  /** Bytes arrived, an event or a heartbeat: the connection is alive. */
  activity(): void;
  /** One event, payload already converted (see `toPayload`). `stream` overrides the handle's own `forStream`. */
  event(name: string, payload: unknown, stream?: StreamName): void;
  /** A heartbeat (SSE comment line). */
  heartbeat(): void;
}

/**
 * One way of carrying a stream. `connect` runs a single connection: it resolves when the
 * server ends the stream cleanly, rejects with a `MastodonError` when it fails, and returns
 * promptly (either way) once `signal` is aborted. Reconnecting, timers and back-off belong
 * to the handle, not to the transport.
 */
export interface Transport {
  connect(spec: StreamSpec, hooks: ConnectionHooks, signal: AbortSignal): Promise<void>;
}
