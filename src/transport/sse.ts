import { MastodonMalformedEventError } from '../errors/MastodonMalformedEventError.js';
import { MastodonNetworkError } from '../errors/MastodonNetworkError.js';
import { toPayload } from '../payload.js';
import { createSseParser } from '../sse/parser.js';
import { ssePath, type StreamSpec } from '../streams.js';
import { errorFromResponse } from './response-error.js';
import type { ConnectionHooks, Transport } from './types.js';
import { untilAborted } from '../utils/abort.js';

export interface SseTransportOptions {
  fetch: typeof fetch;
  /** Resolves the streaming base URL (discovery, cached by the client). */
  base: () => Promise<string>;
  accessToken?: string;
  userAgent?: string;
  maxEventBytes: number;
}

/**
 * Mastodon's Server-Sent Events endpoints, read with `fetch` and `response.body`: one HTTP
 * request per stream, token in the `Authorization` header only.
 */
export class SseTransport implements Transport {
  constructor(private readonly _opts: SseTransportOptions) {}

  async connect(spec: StreamSpec, hooks: ConnectionHooks, signal: AbortSignal): Promise<void> {
    const opts = this._opts;
    const path = ssePath(spec);
    const url = (await untilAborted(opts.base(), signal)) + path;
    const headers: Record<string, string> = { Accept: 'text/event-stream' };
    if (opts.accessToken) headers.Authorization = 'Bearer ' + opts.accessToken;
    if (opts.userAgent) headers['User-Agent'] = opts.userAgent;

    let res: Response;
    try {
      // credentials: 'omit' because Mastodon answers `Access-Control-Allow-Origin: *` without
      // allow-credentials; cache: 'no-store' so no layer tries to keep an endless body.
      res = await opts.fetch(url, { headers, signal, credentials: 'omit', cache: 'no-store' });
    } catch (cause) {
      throw new MastodonNetworkError(`Could not connect to ${path}`, { cause });
    }
    if (res.status !== 200) throw await errorFromResponse(res, path, signal);
    const type = res.headers.get('content-type');
    if (type !== null && !type.includes('text/event-stream')) {
      void res.body?.cancel().catch(() => {});
      throw new MastodonNetworkError(`${path} answered 200 with ${type}, not an event stream`, { status: 200 });
    }
    if (!res.body) throw new MastodonNetworkError(`${path} answered without a body`, { status: 200 });

    hooks.open();
    const feed = createSseParser(
      {
        event: (name, data) => hooks.event(name, toPayload(name, data)),
        heartbeat: () => hooks.heartbeat(),
      },
      opts.maxEventBytes,
    );
    const reader = res.body.getReader();
    try {
      for (;;) {
        let chunk: ReadableStreamReadResult<Uint8Array>;
        try {
          chunk = await reader.read();
        } catch (cause) {
          throw new MastodonNetworkError(`Connection to ${path} lost`, { cause });
        }
        if (chunk.done) return;
        hooks.activity();
        feed(chunk.value);
      }
    } catch (err) {
      // Malformed input or a lost connection: release the body at once.
      void reader.cancel().catch(() => {});
      throw err instanceof MastodonMalformedEventError || err instanceof MastodonNetworkError
        ? err
        : new MastodonNetworkError(`Connection to ${path} failed`, { cause: err });
    }
  }
}
