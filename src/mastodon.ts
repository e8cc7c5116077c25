import { restBudget } from './catchup/budget.js';
import { catchUp } from './catchup/index.js';
import { Mastodon as SseMastodon } from './client.js';
import type { EventGate, Stream } from './handle.js';
import { iterate, type StreamIterator } from './iterate.js';
import type { Dispatcher, Listener } from './listener.js';
import type { ResolvedStreamOptions, StreamOptions } from './options.js';
import { streamSpec, type StreamSpec, type StreamType } from './streams.js';
import type { Transport } from './transport/types.js';
import { WsTransport } from './transport/websocket.js';

export type { MastodonOptions, PublicStreamOptions, HashtagStreamOptions } from './client.js';

/**
 * The full client: everything of the SSE-only one, plus `transport: 'websocket'` (every stream
 * of this client on one shared socket), `catchUp` (REST gap filling after a reconnect) and
 * `stream()` (async iteration).
 */
export class Mastodon extends SseMastodon {
  /** The one shared socket of `transport: 'websocket'`. */
  private _socket?: WsTransport;
  /** The REST budget every catch-up of this client shares (see restBudget). */
  private _budget = restBudget();

  /**
   * Any stream as an async iterable of typed events: `for await (const e of
   * mastodon.stream('hashtag', { tag: 'cats' }))`. `break` closes the stream, `signal` ends it,
   * heartbeats are not yielded, an error that ends the stream is thrown from the loop.
   */
  stream(
    name: StreamType,
    params?: { tag?: string; list?: string | { id: string } },
    options: Omit<StreamOptions, 'runAsync'> = {},
  ): StreamIterator {
    const spec = streamSpec(name, params);
    return iterate((listener: Listener): Stream => this._start(spec, listener, { ...options, runAsync: true }));
  }

  protected override _gate(d: Dispatcher, spec: StreamSpec, opts: ResolvedStreamOptions): EventGate | undefined {
    return opts.catchUp ? catchUp(d, spec, this._fetchFn(), this.apiBaseUrl, this.accessToken, opts, this._budget) : undefined;
  }

  protected override _transportFor(maxEventBytes: number): Transport {
    if (this.transport !== 'websocket') return super._transportFor(maxEventBytes);
    const socket = (this._socket ??= new WsTransport(this.options, () => this.streamingBase(), () => this._fetchFn()));
    return { connect: (spec, hooks, signal) => socket.connect(spec, hooks, signal, maxEventBytes) };
  }
}
