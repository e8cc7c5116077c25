import type { StreamSpec } from '../streams.js';

/**
 * `a` is newer than `b`. Mastodon ids are decimal strings, compared as big integers: padded to
 * one length, then as text (which also orders the fixed-length ULIDs of other servers).
 */
export const newer = (a: string, b = ''): boolean => a.padStart(32) > b.padStart(32);

/**
 * For the kinds a catch-up fetches, the id `min_id` pages by: a status id for timelines, a
 * notification id, a conversation's last status id; '' for anything else. With the name's
 * first letter it is also the key that deduplicates deliveries (status and notification ids
 * are separate id spaces; a conversation counts again when its last status changes, and a
 * status is the last of one conversation only).
 */
export const idOf = (name: string, p: any): string => {
  const id = name == 'conversation' ? p?.last_status?.id : (name == 'update' || name == 'notification') && p?.id;
  return typeof id == 'string' ? id : '';
};

/** One REST timeline that holds what a stream sends: [event name, path, query prefix]. */
export type Source = [string, string, string];

/** The REST timelines of a stream, in the order a catch-up reads them. */
export const sourcesOf = (spec: StreamSpec): Source[] => {
  const [base, ...mods] = spec[0].split(':');
  const n: Source = ['notification', '/api/v1/notifications', ''];
  if (base == 'user') return mods.length ? [n] : [['update', '/api/v1/timelines/home', ''], n];
  if (base == 'direct') return [['conversation', '/api/v1/conversations', '']];
  const where = base == 'public' ? base : (base == 'list' ? 'list/' : 'tag/') + encodeURIComponent(spec[1]!);
  return [['update', '/api/v1/timelines/' + where, mods.map((m) => (m == 'media' ? 'only_media' : m) + '=true&').join('')]];
};
