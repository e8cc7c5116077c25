import { MastodonMalformedEventError } from './errors/MastodonMalformedEventError.js';

/** True for a non-empty string of ASCII digits, e.g. a status id. */
const isDigits = (s: string): boolean => {
  const n = s.length;
  if (n === 0) return false;
  for (let i = 0; i < n; i++) {
    const c = s.charCodeAt(i);
    if (c < 48 || c > 57) return false;
  }
  return true;
};

/**
 * Event data → the payload a listener receives.
 *
 * - `delete` and `announcement.delete` carry a bare id: it is passed on as the exact string
 *   (Mastodon's ids are 18 digits, past what a JavaScript number holds; GoToSocial's are ULIDs).
 * - Any all-digit payload (`notifications_merged` sends `1`) stays a string for the same reason.
 * - `filters_changed` has no payload.
 * - Everything else is JSON, parsed once; a parse failure is `Bad JSON`.
 *
 * The path for entity JSON (data starting with `{`) costs two short string comparisons and
 * one character test before `JSON.parse`.
 */
export function toPayload(event: string, data: string): unknown {
  if (event === 'delete' || event === 'announcement.delete') return data;
  const c = data.charCodeAt(0);
  if (c !== 123 /* { */) {
    if (c >= 48 && c <= 57 && isDigits(data)) return data;
    if (event === 'filters_changed') return undefined;
  }
  try {
    return JSON.parse(data);
  } catch (cause) {
    throw new MastodonMalformedEventError('Bad JSON', data, { cause });
  }
}
