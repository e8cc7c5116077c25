/** Base class of every error this library produces. */
export class MastodonError extends Error {
  override name = 'MastodonError';
}
