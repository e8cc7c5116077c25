import { MastodonError } from './MastodonError.js';

/** A REST call (discovery, catch-up) answered with an error status. */
export class MastodonAPIError extends MastodonError {
  override name = 'MastodonAPIError';
  declare readonly status: number;
  declare readonly serverMessage?: string;
  declare readonly retryAfterSec?: number;

  constructor(message: string, status: number, options: { serverMessage?: string; retryAfterSec?: number; cause?: unknown } = {}) {
    super(message, options);
    Object.assign(this, options, { status });
  }
}
