import { MastodonError } from './MastodonError.js';

export type MalformedReason = 'Bad JSON' | 'Missing field' | 'Malformed UTF-8' | 'Event too large';

/** The server sent something that is not a valid Mastodon streaming event. */
export class MastodonMalformedEventError extends MastodonError {
  override name = 'MastodonMalformedEventError';
  declare readonly reason: MalformedReason;
  /** The offending event data (cut to 1,000 characters), where there was some. */
  declare readonly data?: string;

  constructor(reason: MalformedReason, data?: string, options?: { cause?: unknown }) {
    super(`Malformed event: ${reason}`, options);
    this.reason = reason;
    if (data !== undefined) this.data = data.slice(0, 1000);
  }
}
