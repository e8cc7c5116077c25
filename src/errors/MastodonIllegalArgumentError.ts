import { MastodonError } from './MastodonError.js';

/** A stream method was called with arguments that cannot make a valid request. */
export class MastodonIllegalArgumentError extends MastodonError {
  override name = 'MastodonIllegalArgumentError';
}
