// Domain actions: create/edit/delete statuses, notifications, conversations and
// announcements in the store, and publish the matching events on every stream the real
// server would use.

import {
  buildAccount, buildStatus, buildMedia, buildNotification, buildConversation, buildAnnouncement,
  renderContent, DEFAULT_ACCOUNTS, REMOTE_DOMAIN, STATUS_NOTIFICATION_TYPES, iso,
} from './entities.mjs';
import { Store } from './store.mjs';

const SAMPLE_TEXTS = [
  'Good morning, fediverse!',
  'Just finished reading a great book about lighthouses.',
  'The bread came out better than expected this time.',
  'Reminder: drink some water and stretch.',
];

/**
 * @param {{ store: Store, base: string, publish: (key: any, event: string, payload: any) => void, conversationOnUserStream?: boolean }} deps
 */
export function createActions({ store, base, publish, conversationOnUserStream = false }) {
  const accounts = DEFAULT_ACCOUNTS.map((a) => buildAccount(base, a));
  const me = /** @type {any} */ (accounts[0]);
  const others = accounts.slice(1);
  const localOthers = others.filter((a) => !a.acct.includes('@'));
  const remoteOthers = others.filter((a) => a.acct.includes('@'));
  let pick = 0;
  /** @template T @param {T[]} arr @returns {T} */
  const next = (arr) => /** @type {T} */ (arr[pick++ % arr.length]);

  /** @param {any} a */
  function resolveAccount(a) {
    if (a == null) return undefined;
    if (typeof a === 'object') return a;
    return accounts.find((x) => x.id === String(a) || x.username === a || x.acct === a);
  }

  /**
   * @param {any} [partial]
   */
  function postStatus(partial = {}) {
    const {
      tags: rawTags, lists, local: localOpt, media, media_attachments, text, account: accountOpt, mentions: mentionOpt,
      ...rest
    } = partial;
    let account = resolveAccount(accountOpt);
    const local = localOpt ?? (account ? !account.acct.includes('@') : true);
    if (!account) account = local ? me : next(remoteOthers);
    if (!local && !account.acct.includes('@')) account = { ...account, acct: `${account.username}@${REMOTE_DOMAIN}` };
    const tags = (rawTags ?? []).map((/** @type {string} */ t) => String(t).replace(/^#/, ''));
    /** @type {any[]} */
    let mediaList = media_attachments ?? [];
    if (!media_attachments && media) {
      const count = typeof media === 'number' ? media : 1;
      mediaList = Array.from({ length: count }, (_, i) => buildMedia(base, store.mediaIds.next(), `Generated picture ${i + 1}`, (i * 70) % 360));
    }
    const mentions = (mentionOpt ?? []).map(resolveAccount).filter(Boolean);
    const id = rest.id ?? store.statusIds.next();
    const status = buildStatus(base, {
      id, account, text: text ?? next(SAMPLE_TEXTS), tags, mentions, media: mediaList,
      visibility: rest.visibility, reblog: rest.reblog,
    });
    Object.assign(status, rest, { id });
    const { keys, timelines } = routeStatus(status, local, tags, lists ?? []);
    store.addStatus(status, { keys, timelines, local });
    const json = JSON.stringify(status);
    for (const k of keys) publish(k, 'update', json);
    return status;
  }

  /**
   * Which streams and timelines a status goes to.
   * @param {any} status @param {boolean} local @param {string[]} tags @param {Array<string|number>} lists
   */
  function routeStatus(status, local, tags, lists) {
    /** @type {any[]} */
    const keys = [{ stream: 'user' }];
    const timelines = ['home'];
    const hasMedia = (status.media_attachments ?? []).length > 0;
    if (status.visibility === 'public' && !status.reblog) {
      const scope = local ? 'public:local' : 'public:remote';
      keys.push({ stream: 'public' }, { stream: scope });
      if (hasMedia) keys.push({ stream: 'public:media' }, { stream: `${scope}:media` });
      timelines.push('public', scope);
      for (const tag of tags) {
        keys.push({ stream: 'hashtag', tag });
        timelines.push(Store.tagTimeline(tag));
        if (local) {
          keys.push({ stream: 'hashtag:local', tag });
          timelines.push(Store.tagTimeline(tag, true));
        }
      }
    }
    for (const l of lists) {
      keys.push({ stream: 'list', list: String(l) });
      timelines.push(`list:${l}`);
    }
    return { keys, timelines };
  }

  /** @param {string} id @param {any} [changes] */
  function editStatus(id, changes = {}) {
    const status = store.getStatus(String(id));
    if (!status) throw new Error(`editStatus: no status ${id}`);
    const { text, ...rest } = changes;
    if (text !== undefined) {
      status.content = renderContent(base, text, status.tags.map((/** @type {any} */ t) => t.name), status.mentions);
    }
    Object.assign(status, rest);
    status.edited_at = changes.edited_at ?? iso();
    const meta = store.statusMeta.get(status.id);
    const json = JSON.stringify(status);
    for (const k of meta?.keys ?? [{ stream: 'user' }]) publish(k, 'status.update', json);
    return status;
  }

  /** @param {string} id */
  function deleteStatus(id) {
    const meta = store.removeStatus(String(id));
    for (const k of meta?.keys ?? [{ stream: 'user' }]) publish(k, 'delete', String(id));
    return !!meta;
  }

  /** @param {string} type @param {any} [partial] */
  function notify(type = 'mention', partial = {}) {
    const { account: accountOpt, status: statusOpt, ...rest } = partial;
    const account = resolveAccount(accountOpt) ?? next(others);
    let status = statusOpt;
    if (!status && STATUS_NOTIFICATION_TYPES.has(type)) {
      const author = type === 'mention' || type === 'status' || type === 'quote' ? account : me;
      status = buildStatus(base, {
        id: store.statusIds.next(),
        account: author,
        text: type === 'mention' ? 'what do you think about this?' : next(SAMPLE_TEXTS),
        mentions: type === 'mention' ? [me] : [],
      });
    }
    const n = buildNotification(base, { id: store.notificationIds.next(), type, account, status, target: next(others) });
    Object.assign(n, rest);
    store.addNotification(n);
    const json = JSON.stringify(n);
    publish({ stream: 'user' }, 'notification', json);
    publish({ stream: 'user:notification' }, 'notification', json);
    return n;
  }

  /** @param {any} [partial] */
  function converse(partial = {}) {
    const { account: accountOpt, text, conversationId, ...rest } = partial;
    const account = resolveAccount(accountOpt) ?? next(others);
    const status = buildStatus(base, {
      id: store.statusIds.next(), account, visibility: 'direct', mentions: [me],
      text: text ?? 'hey, a quick private question',
    });
    store.addStatus(status, { keys: [{ stream: 'user' }], timelines: ['home'], local: !account.acct.includes('@') });
    publish({ stream: 'user' }, 'update', JSON.stringify(status));
    const existing = conversationId ? store.conversations.get(String(conversationId)) : undefined;
    const conversation = buildConversation({
      id: existing?.id ?? store.conversationIds.next(), accounts: [account], last_status: status, unread: true,
    });
    Object.assign(conversation, rest);
    store.upsertConversation(conversation);
    // The real server sends 'conversation' only on the direct stream; the user stream gets the
    // direct status as an 'update' (see the recorded vectors).
    const json = JSON.stringify(conversation);
    publish({ stream: 'direct' }, 'conversation', json);
    if (conversationOnUserStream) publish({ stream: 'user' }, 'conversation', json);
    return conversation;
  }

  /** @param {any} [partial] */
  function announce(partial = {}) {
    const { text, ...rest } = partial;
    const a = buildAnnouncement({ id: store.announcementIds.next(), text });
    Object.assign(a, rest);
    store.announcements.set(a.id, a);
    publish({ stream: 'user' }, 'announcement', JSON.stringify(a));
    return a;
  }

  /** @param {any} [partial] */
  function react(partial = {}) {
    const last = [...store.announcements.keys()].pop();
    const announcement_id = String(partial.announcement_id ?? last ?? announce().id);
    const name = partial.name ?? '👍';
    const a = store.announcements.get(announcement_id);
    let count = partial.count;
    if (a) {
      let r = a.reactions.find((/** @type {any} */ x) => x.name === name);
      if (!r) a.reactions.push((r = { name, count: 0, me: false, url: null, static_url: null }));
      r.count += 1;
      count ??= r.count;
    }
    const payload = { name, count: count ?? 1, announcement_id };
    publish({ stream: 'user' }, 'announcement.reaction', JSON.stringify(payload));
    return payload;
  }

  /** @param {string} id */
  function unannounce(id) {
    store.announcements.delete(String(id));
    publish({ stream: 'user' }, 'announcement.delete', String(id));
  }

  return { accounts, me, postStatus, editStatus, deleteStatus, notify, converse, announce, react, unannounce };
}
