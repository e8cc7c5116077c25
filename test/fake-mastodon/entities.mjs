// Builders for Mastodon 4.x JSON entities (Account, Status, MediaAttachment, Notification,
// Conversation, Announcement), shaped like what a real 4.6 server sends.

export const REMOTE_DOMAIN = 'remote.example';

/** @param {Date} [d] */
export const iso = (d = new Date()) => d.toISOString();

/** @param {string} s */
export function escapeHtml(s) {
  return String(s).replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c] ?? c);
}

/**
 * @typedef {{ id: string, username: string, display_name?: string, remote?: boolean, bot?: boolean, locked?: boolean, note?: string, roles?: any[] }} AccountSeed
 */

/**
 * @param {string} base the fake's API URL (for avatar and profile URLs)
 * @param {AccountSeed} a
 */
export function buildAccount(base, a) {
  const remote = !!a.remote;
  const host = remote ? `https://${REMOTE_DOMAIN}` : base;
  const acct = remote ? `${a.username}@${REMOTE_DOMAIN}` : a.username;
  const avatar = `${base}/avatars/${a.id}.svg`;
  return {
    id: a.id,
    username: a.username,
    acct,
    display_name: a.display_name ?? '',
    locked: a.locked ?? false,
    bot: a.bot ?? false,
    discoverable: true,
    indexable: false,
    group: false,
    created_at: '2026-08-01T00:00:00.000Z',
    note: a.note ? `<p>${escapeHtml(a.note)}</p>` : '',
    url: `${host}/@${a.username}`,
    uri: remote ? `${host}/users/${a.username}` : `${base}/ap/users/${a.id}`,
    avatar,
    avatar_static: avatar,
    avatar_description: '',
    header: `${base}/headers/original/missing.png`,
    header_static: `${base}/headers/original/missing.png`,
    header_description: '',
    followers_count: 12,
    following_count: 34,
    statuses_count: 56,
    last_status_at: iso().slice(0, 10),
    hide_collections: null,
    noindex: false,
    emojis: [],
    roles: a.roles ?? [],
    fields: [],
  };
}

/** The accounts every fake knows: the token owner first. */
export const DEFAULT_ACCOUNTS = /** @type {AccountSeed[]} */ ([
  { id: '117020617404561855', username: 'mastodonpy_test', display_name: 'Test Account', note: 'The token owner.' },
  { id: '117020617136550219', username: 'admin', display_name: 'Admin', roles: [{ id: '3', name: 'Owner', color: '' }] },
  { id: '117020617532860042', username: 'ada', display_name: 'Ada Lovelace', note: 'Analytical engines and poetry.' },
  { id: '117020617600110233', username: 'grace', display_name: 'Grace 🐚', note: 'Compilers, nanoseconds, ships.' },
  { id: '117020617700221344', username: 'kitten', display_name: 'Kitten Photos', bot: true, note: 'A cat every hour.' },
  { id: '117020618100332455', username: 'lin', display_name: 'Lin', remote: true, note: 'Birds and bikes.' },
  { id: '117020618200443566', username: 'mo', display_name: 'Mo Ibrahim', remote: true, note: 'Photography.' },
  { id: '117020618300554677', username: 'sasha', display_name: 'Sasha ✨', remote: true, locked: true },
  { id: '117020618400665788', username: 'tomas', display_name: 'Tomás', remote: true, note: 'Fediverse enjoyer.' },
]);

/**
 * @param {string} base @param {string} id @param {string} [description] @param {number} [hue]
 */
export function buildMedia(base, id, description = 'A generated test picture.', hue = 200) {
  const url = `${base}/media/${id}.svg?hue=${hue}`;
  return {
    id,
    type: 'image',
    url,
    preview_url: url,
    remote_url: null,
    preview_remote_url: null,
    text_url: null,
    meta: {
      original: { width: 640, height: 480, size: '640x480', aspect: 1.3333333333333333 },
      small: { width: 400, height: 300, size: '400x300', aspect: 1.3333333333333333 },
    },
    description,
    blurhash: 'UBL_:rOpGG-oBUNG,qRj2so|=eE1w^n4S5NH',
  };
}

/**
 * Turn plain text into Mastodon-like HTML with linked hashtags and mentions.
 * @param {string} base @param {string} text @param {string[]} tags @param {any[]} mentions
 */
export function renderContent(base, text, tags, mentions) {
  let html = escapeHtml(text);
  const extra = [];
  for (const m of mentions) {
    const link = `<span class="h-card" translate="no"><a href="${m.url}" class="u-url mention">@<span>${escapeHtml(m.username)}</span></a></span>`;
    extra.push(link);
  }
  const tagLinks = tags.map(
    (t) => `<a href="${base}/tags/${encodeURIComponent(t.toLowerCase())}" class="mention hashtag" rel="tag">#<span>${escapeHtml(t)}</span></a>`,
  );
  const first = [...extra, html].filter(Boolean).join(' ');
  return `<p>${first}</p>${tagLinks.length ? `<p>${tagLinks.join(' ')}</p>` : ''}`;
}

/**
 * @param {string} base
 * @param {{ id: string, account: any, text?: string, content?: string, visibility?: string, tags?: string[], mentions?: any[],
 *   media?: any[], spoiler_text?: string, sensitive?: boolean, language?: string, reblog?: any, in_reply_to_id?: string | null,
 *   in_reply_to_account_id?: string | null, created_at?: string, poll?: any }} s
 */
export function buildStatus(base, s) {
  const tags = s.tags ?? [];
  const mentions = (s.mentions ?? []).map((a) => ({ id: a.id, username: a.username, url: a.url, acct: a.acct }));
  const account = s.account;
  const content = s.reblog ? '' : (s.content ?? renderContent(base, s.text ?? '', tags, mentions));
  const remote = account.acct.includes('@');
  const origin = remote ? `https://${REMOTE_DOMAIN}` : base;
  return {
    id: s.id,
    created_at: s.created_at ?? iso(),
    in_reply_to_id: s.in_reply_to_id ?? null,
    in_reply_to_account_id: s.in_reply_to_account_id ?? null,
    sensitive: s.sensitive ?? false,
    spoiler_text: s.spoiler_text ?? '',
    visibility: s.visibility ?? 'public',
    language: s.language ?? 'en',
    uri: remote ? `${origin}/users/${account.username}/statuses/${s.id}` : `${base}/ap/users/${account.id}/statuses/${s.id}`,
    url: `${origin}/@${account.username}/${s.id}`,
    replies_count: 0,
    reblogs_count: 0,
    favourites_count: 0,
    quotes_count: 0,
    edited_at: null,
    content,
    reblog: s.reblog ?? null,
    application: remote ? null : { name: 'mastodon-streaming fake', website: null },
    account,
    media_attachments: s.media ?? [],
    mentions,
    tags: tags.map((t) => ({ name: t, url: `${base}/tags/${encodeURIComponent(t.toLowerCase())}` })),
    emojis: [],
    quote: null,
    card: null,
    poll: s.poll ?? null,
    quote_approval: { automatic: ['public'], manual: [], current_user: 'automatic' },
    favourited: false,
    reblogged: false,
    muted: false,
    bookmarked: false,
    pinned: false,
    filtered: [],
  };
}

/** Notification types that carry a status. */
export const STATUS_NOTIFICATION_TYPES = new Set(['mention', 'status', 'reblog', 'favourite', 'poll', 'update', 'quote', 'quoted_update']);

export const NOTIFICATION_TYPES = [
  'mention', 'status', 'reblog', 'follow', 'follow_request', 'favourite', 'poll', 'update',
  'admin.sign_up', 'admin.report', 'severed_relationships', 'moderation_warning', 'quote', 'quoted_update',
];

/**
 * @param {string} base
 * @param {{ id: string, type: string, account: any, status?: any, target?: any, created_at?: string }} n
 */
export function buildNotification(base, n) {
  const created_at = n.created_at ?? iso();
  /** @type {Record<string, any>} */
  const out = { id: n.id, type: n.type, created_at, group_key: `ungrouped-${n.id}`, account: n.account };
  if (STATUS_NOTIFICATION_TYPES.has(n.type) && n.status) out.status = n.status;
  if (n.type === 'admin.report') {
    out.report = {
      id: n.id, action_taken: false, action_taken_at: null, category: 'spam', comment: 'Looks like spam.',
      forwarded: false, created_at, status_ids: n.status ? [n.status.id] : [], rule_ids: [], target_account: n.target ?? n.account,
    };
  }
  if (n.type === 'severed_relationships') {
    out.event = { id: n.id, type: 'domain_block', purged: false, target_name: 'blocked.example', followers_count: 1, following_count: 2, created_at };
  }
  if (n.type === 'moderation_warning') {
    out.moderation_warning = { id: n.id, action: 'sensitive', text: 'Please mark media as sensitive.', status_ids: [], appeal: null, created_at };
  }
  return out;
}

/** @param {{ id: string, accounts: any[], last_status: any, unread?: boolean }} c */
export function buildConversation(c) {
  return { id: c.id, unread: c.unread ?? true, accounts: c.accounts, last_status: c.last_status };
}

/** @param {{ id: string, text?: string }} a */
export function buildAnnouncement(a) {
  const now = iso();
  return {
    id: a.id,
    content: `<p>${escapeHtml(a.text ?? 'Scheduled maintenance tonight at 22:00 UTC.')}</p>`,
    starts_at: null,
    ends_at: null,
    all_day: false,
    published_at: now,
    updated_at: now,
    read: false,
    mentions: [],
    statuses: [],
    tags: [],
    emojis: [],
    reactions: [],
  };
}

/**
 * A small generated SVG (avatars and media).
 * @param {string} seed @param {string} [label] @param {number} [w] @param {number} [h] @param {number} [hueOverride]
 */
export function svgPicture(seed, label = '', w = 96, h = 96, hueOverride) {
  let hash = 0;
  for (const ch of String(seed)) hash = (hash * 31 + ch.charCodeAt(0)) >>> 0;
  const hue = hueOverride ?? hash % 360;
  const hue2 = (hue + 40) % 360;
  const r = Math.min(w, h) / 3;
  return `<svg xmlns="http://www.w3.org/2000/svg" width="${w}" height="${h}" viewBox="0 0 ${w} ${h}">` +
    `<rect width="${w}" height="${h}" fill="hsl(${hue},55%,55%)"/>` +
    `<circle cx="${w / 2}" cy="${h / 2}" r="${r}" fill="hsl(${hue2},70%,80%)"/>` +
    (label ? `<text x="50%" y="54%" font-family="sans-serif" font-size="${Math.round(r)}" text-anchor="middle" dominant-baseline="middle" fill="#222">${escapeHtml(label)}</text>` : '') +
    `</svg>`;
}
