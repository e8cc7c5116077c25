import { MastodonError } from './MastodonError.js';

export interface NetworkErrorOptions {
  /** HTTP status, when the server answered. */
  status?: number;
  /** The server's own `error` message (from its JSON body or `X-Error-Message`), when it sent one. */
  serverMessage?: string;
  /** Seconds the server asked to wait (`Retry-After`), when it said. */
  retryAfterSec?: number;
  /** True when retrying cannot help (400, 401, 404). */
  fatal?: boolean;
  cause?: unknown;
}

/**
 * The connection failed or ended: a refused or dropped connection, an error status, a clean
 * end of stream. Its message names the URL path and the status, never the access token.
 */
export class MastodonNetworkError extends MastodonError {
  override name = 'MastodonNetworkError';
  declare readonly status?: number;
  declare readonly serverMessage?: string;
  declare readonly retryAfterSec?: number;
  declare readonly fatal: boolean;

  constructor(message: string, options: NetworkErrorOptions = {}) {
    super(message, options);
    Object.assign(this, options, { fatal: !!options.fatal });
  }
}
