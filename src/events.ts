import type { Announcement, AnnouncementReaction, Conversation, Notification, Status } from './entities.js';

/** Every event Mastodon's streaming API sends, mapped to the payload a listener receives. */
export interface StreamEventMap {
  update: Status;
  'status.update': Status;
  /** The deleted status's id, exactly as sent. */
  delete: string;
  notification: Notification;
  conversation: Conversation;
  /** Documented, no longer sent by Mastodon ≥ 4.3 (events without payload are dropped). */
  filters_changed: undefined;
  announcement: Announcement;
  'announcement.reaction': AnnouncementReaction;
  /** The deleted announcement's id, exactly as sent. */
  'announcement.delete': string;
  /** Removed in Mastodon 4.3. */
  encrypted_message: unknown;
  /** `'1'`, raw. */
  notifications_merged: string;
}

export type StreamEventName = keyof StreamEventMap;

/** The stream an event came on, as Mastodon's WebSocket protocol names it: `['user']`, `['hashtag', 'cats']`, … */
export type StreamName = readonly string[];

/** One event of `mastodon.stream()`: a union discriminated on `event`. */
export type StreamEvent = {
  [K in StreamEventName]: { event: K; payload: StreamEventMap[K]; stream: StreamName };
}[StreamEventName];
