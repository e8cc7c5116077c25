/**
 * Mastodon's entities as the streaming API delivers them (Mastodon 4.2–4.7). Ids and dates
 * stay strings, exactly as the server sent them: an 18-digit id does not survive a
 * conversion to a JavaScript number. Fields newer than 4.2 are optional; servers that speak
 * Mastodon's API (GoToSocial, Akkoma) may leave out more, and may add their own.
 */

export type Visibility = 'public' | 'unlisted' | 'private' | 'direct';

export interface CustomEmoji {
  shortcode: string;
  url: string;
  static_url: string;
  visible_in_picker: boolean;
  category?: string | null;
}

export interface AccountField {
  name: string;
  value: string;
  verified_at: string | null;
}

export interface Account {
  id: string;
  username: string;
  /** `user` for a local account, `user@domain` for a remote one. */
  acct: string;
  url: string;
  uri?: string;
  display_name: string;
  note: string;
  avatar: string;
  avatar_static: string;
  avatar_description?: string;
  header: string;
  header_static: string;
  header_description?: string;
  locked: boolean;
  fields: AccountField[];
  emojis: CustomEmoji[];
  bot: boolean;
  group: boolean;
  discoverable: boolean | null;
  indexable?: boolean;
  noindex?: boolean | null;
  hide_collections?: boolean | null;
  moved?: Account | null;
  suspended?: boolean;
  limited?: boolean;
  created_at: string;
  last_status_at: string | null;
  statuses_count: number;
  followers_count: number;
  following_count: number;
  roles?: { id: string; name: string; color: string }[];
  [key: string]: unknown;
}

export type MediaType = 'unknown' | 'image' | 'gifv' | 'video' | 'audio';

export interface MediaAttachment {
  id: string;
  type: MediaType;
  url: string;
  preview_url: string | null;
  remote_url: string | null;
  meta?: Record<string, unknown> | null;
  description: string | null;
  blurhash: string | null;
  [key: string]: unknown;
}

export interface StatusMention {
  id: string;
  username: string;
  url: string;
  acct: string;
}

export interface StatusTag {
  name: string;
  url: string;
}

export interface PollOption {
  title: string;
  votes_count: number | null;
}

export interface Poll {
  id: string;
  expires_at: string | null;
  expired: boolean;
  multiple: boolean;
  votes_count: number;
  voters_count: number | null;
  options: PollOption[];
  emojis: CustomEmoji[];
  voted?: boolean;
  own_votes?: number[];
}

export interface PreviewCard {
  url: string;
  title: string;
  description: string;
  type: 'link' | 'photo' | 'video' | 'rich';
  author_name: string;
  author_url: string;
  provider_name: string;
  provider_url: string;
  html: string;
  width: number;
  height: number;
  image: string | null;
  embed_url: string;
  blurhash: string | null;
  [key: string]: unknown;
}

export interface FilterKeywordMatch {
  filter: {
    id: string;
    title: string;
    context: string[];
    expires_at: string | null;
    filter_action: 'warn' | 'hide' | 'blur';
    [key: string]: unknown;
  };
  keyword_matches: string[] | null;
  status_matches: string[] | null;
}

export interface Status {
  id: string;
  uri: string;
  url?: string | null;
  created_at: string;
  edited_at?: string | null;
  account: Account;
  content: string;
  visibility: Visibility;
  sensitive: boolean;
  spoiler_text: string;
  media_attachments: MediaAttachment[];
  application?: { name: string; website?: string | null };
  mentions: StatusMention[];
  tags: StatusTag[];
  emojis: CustomEmoji[];
  reblogs_count: number;
  favourites_count: number;
  replies_count: number;
  quotes_count?: number;
  in_reply_to_id: string | null;
  in_reply_to_account_id: string | null;
  reblog: Status | null;
  quote?: unknown;
  poll: Poll | null;
  card: PreviewCard | null;
  language: string | null;
  text?: string | null;
  favourited?: boolean;
  reblogged?: boolean;
  muted?: boolean;
  bookmarked?: boolean;
  pinned?: boolean;
  /** Added on public and hashtag streams to statuses that match the user's filters. */
  filtered?: FilterKeywordMatch[];
  [key: string]: unknown;
}

export type NotificationType =
  | 'mention'
  | 'status'
  | 'reblog'
  | 'follow'
  | 'follow_request'
  | 'favourite'
  | 'poll'
  | 'update'
  | 'admin.sign_up'
  | 'admin.report'
  | 'severed_relationships'
  | 'moderation_warning'
  | 'quote'
  | 'quoted_update'
  | (string & {});

export interface Notification {
  id: string;
  type: NotificationType;
  created_at: string;
  group_key?: string;
  account: Account;
  status?: Status | null;
  report?: Record<string, unknown> | null;
  event?: Record<string, unknown> | null;
  moderation_warning?: Record<string, unknown> | null;
  [key: string]: unknown;
}

export interface Conversation {
  id: string;
  accounts: Account[];
  unread: boolean;
  last_status: Status | null;
  [key: string]: unknown;
}

export interface AnnouncementReaction {
  name: string;
  count: number;
  /** Present on `announcement.reaction` events. */
  announcement_id?: string;
  me?: boolean;
  url?: string;
  static_url?: string;
}

export interface Announcement {
  id: string;
  content: string;
  starts_at: string | null;
  ends_at: string | null;
  all_day: boolean;
  published_at: string;
  updated_at: string | null;
  read?: boolean;
  mentions: StatusMention[];
  statuses: { id: string; url: string }[];
  tags: StatusTag[];
  emojis: CustomEmoji[];
  reactions: AnnouncementReaction[];
  [key: string]: unknown;
}
