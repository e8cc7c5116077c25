// Value imports in the order that lays the script-tag bundle out smallest (docs/size.md).
import { bad } from './options.js';
import { Mastodon as Client } from './client.js';
import type { EventGate } from './handle.js';
import type { Dispatcher } from './listener.js';
import type { ResolvedStreamOptions } from './options.js';
import type { StreamSpec } from './streams.js';
import { sseTransport } from './transport/sse.js';
import type { ClientContext, Transport } from './transport/types.js';

const NOT_HERE = 'Not in mastodon-streaming/sse: ';

/**
 * A Mastodon client for the streaming API: Mastodon.py's `Mastodon`, streaming part, in
 * camelCase. Every `stream*` method either blocks (returns a promise that settles when the
 * stream ends) or, with `runAsync: true`, returns a `StreamHandle` at once.
 *
 * This is the SSE-only client (`mastodon-streaming/sse`): the smallest build, for bundles that
 * only need Mastodon's own SSE endpoints. The main entry's `Mastodon` adds
 * `transport: 'websocket'`, `catchUp` and `stream()`.
 */
export class Mastodon extends Client {
  /** @internal */
  protected _transportFor(c: ClientContext): Transport {
    if (this.transport == 'websocket') bad(NOT_HERE + "transport: 'websocket'");
    return sseTransport(c);
  }

  /** @internal */
  protected _gate(_c: ClientContext, _d: Dispatcher, _spec: StreamSpec, opts: ResolvedStreamOptions): EventGate | undefined {
    if (opts.catchUp) bad(NOT_HERE + 'catchUp');
    return undefined;
  }
}
