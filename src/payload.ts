import { MastodonMalformedEventError } from './errors/MastodonMalformedEventError.js';

/**
 * Event data → the payload a listener receives.
 *
 * - `delete` and `announcement.delete` carry a bare id: it is passed on as the exact string
 *   (Mastodon's ids are 18 digits, past what a JavaScript number holds; GoToSocial's are ULIDs).
 * - Any all-digit payload (`notifications_merged` sends `1`) stays a string for the same reason.
 * - `filters_changed` has no payload.
 * - Everything else is JSON, parsed once; a parse failure is `Bad JSON`.
 *
 * The path for entity JSON (data starting with `{`) costs two short string comparisons and an
 * anchored digits pattern that fails at the `{` before `JSON.parse`.
 */
export function toPayload(event: string, data: string): unknown {
  if (event == 'delete' || event == 'announcement.delete' || /^\d+$/.test(data)) return data;
  if (event == 'filters_changed' && data[0] != '{') return undefined;
  try {
    return JSON.parse(data);
  } catch (cause) {
    throw new MastodonMalformedEventError('Bad JSON', data, { cause });
  }
}
