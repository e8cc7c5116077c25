export { MastodonError } from './MastodonError.js';
export { MastodonNetworkError, type NetworkErrorOptions } from './MastodonNetworkError.js';
export { MastodonReadTimeout } from './MastodonReadTimeout.js';
export { MastodonMalformedEventError, type MalformedReason } from './MastodonMalformedEventError.js';
export { MastodonIllegalArgumentError } from './MastodonIllegalArgumentError.js';
export { MastodonAPIError } from './MastodonAPIError.js';
