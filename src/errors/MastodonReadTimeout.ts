import { MastodonNetworkError } from './MastodonNetworkError.js';

/** Nothing arrived, not even a heartbeat, for `timeoutSec`: the connection counts as dead. */
export class MastodonReadTimeout extends MastodonNetworkError {
  override name = 'MastodonReadTimeout';
}
