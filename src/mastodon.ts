import { restBudget } from './catchup/budget.js';
import { catchUp } from './catchup/index.js';
import { Mastodon as Client } from './client.js';
import type { StreamEvent } from './events.js';
import type { EventGate, Stream } from './handle.js';
import { iterate, type StreamIterator, type UnknownStreamEvent } from './iterate.js';
import type { Dispatcher, Listener } from './listener.js';
import { bad, type ResolvedStreamOptions, type StreamOptions } from './options.js';
import { type StreamParams, type StreamSpec, type StreamType } from './streams.js';
import type { ClientContext, Transport } from './transport/types.js';
import { sseTransport } from './transport/sse.js';
import { wsTransport } from './transport/ws/supervisor.js';

export type { MastodonOptions, PublicStreamOptions, HashtagStreamOptions } from './client.js';

/**
 * The full client: everything of the SSE-only one, plus `transport: 'websocket'` (every stream
 * of this client on one shared socket), `catchUp` (REST gap filling after a reconnect) and
 * `stream()` (async iteration).
 */
export class Mastodon extends Client {
  /** The transport of every stream of this client: with `transport: 'websocket'`, the one shared socket (the SSE one holds no state). */
  #transport?: Transport;
  /** The REST budget every catch-up of this client shares (see restBudget). */
  #budget = restBudget();

  /**
   * Any stream as an async iterable of typed events: `for await (const e of
   * mastodon.stream('hashtag', { tag: 'cats' }))`. `break` closes the stream, `signal` ends it,
   * heartbeats are not yielded, an error that ends the stream is thrown from the loop. With
   * `catchUp`, a catch-up gap is yielded as `{ event: null, gap }` (`null` is no event name).
   */
  stream(name: StreamType, params?: StreamParams, options?: Omit<StreamOptions, 'runAsync'> & { catchUp?: false }): StreamIterator<StreamEvent | UnknownStreamEvent>;
  stream(name: StreamType, params: StreamParams | undefined, options: Omit<StreamOptions, 'runAsync'>): StreamIterator;
  stream(name: StreamType, params?: StreamParams, options: Omit<StreamOptions, 'runAsync'> = {}): StreamIterator {
    // The twelve stream names of docs/protocol.md, as one pattern rather than a table (the stream methods name theirs themselves).
    if (!/^(user(:notification)?|public(:local|:remote)?(:media)?|hashtag(:local)?|list|direct)$/.test(name)) bad('Unknown stream type: ' + name);
    return iterate((listener: Listener) => this._open(listener, { ...options, runAsync: true }, name, params) as Stream);
  }

  /** @internal */
  protected override _gate(c: ClientContext, d: Dispatcher, spec: StreamSpec, opts: ResolvedStreamOptions): EventGate | undefined {
    return opts.catchUp ? catchUp(d, spec, c._fetch(), this.apiBaseUrl, c._o.accessToken, opts, this.#budget) : undefined;
  }

  /** @internal */
  protected override _transportFor(c: ClientContext): Transport {
    return (this.#transport ??= this.transport != 'websocket' ? sseTransport(c) : wsTransport(c));
  }
}
