import type { StreamName } from './events.js';
import { bad } from './options.js';

/**
 * Where a stream stands: what `handle.position()` returns and `catchUp: { from }` resumes from.
 * Plain JSON (store it with `JSON.stringify`, e.g. in `chrome.storage.session`, `localStorage`
 * or a file). `ids` holds, per timeline of the stream, the newest id delivered — keyed by the
 * event that carries its items: `update` (home, public, hashtag or list timeline),
 * `notification`, `conversation` (by its last status id). `'0'` marks a timeline that was
 * empty when the stream started.
 */
export interface StreamPosition {
  /** The stream, as `forStream` names it: `['user']`, `['hashtag', 'cats']`, `['list', '12']`. */
  stream: StreamName;
  ids: { update?: string; notification?: string; conversation?: string };
}

/**
 * The ids of `from` (a position, or null/undefined for none), checked against the stream it
 * resumes (`stream`, whose timelines are keyed by `names`). A value that is not a position of
 * this very stream is a `MastodonIllegalArgumentError`: resuming from the wrong place would
 * fill the wrong gap.
 */
export const idsFrom = (from: unknown, stream: StreamName, names: string[]): Record<string, string> => {
  const p = (from ?? { stream }) as StreamPosition;
  const ids: Record<string, unknown> = { ...p.ids };
  if ('' + p.stream != '' + stream || Object.keys(ids).some((k) => !names.includes(k) || typeof ids[k] != 'string'))
    bad('catchUp.from: not a position of ' + stream.join(':'));
  return ids as Record<string, string>;
};
