import { MastodonError } from './MastodonError.js';

/** A REST call (discovery, catch-up) answered with an error status. */
export class MastodonAPIError extends MastodonError {
  override name = 'MastodonAPIError';
  readonly status: number;
  readonly serverMessage?: string;
  readonly retryAfterSec?: number;

  constructor(message: string, status: number, options: { serverMessage?: string; retryAfterSec?: number; cause?: unknown } = {}) {
    super(message, options);
    this.status = status;
    this.serverMessage = options.serverMessage;
    this.retryAfterSec = options.retryAfterSec;
  }
}
