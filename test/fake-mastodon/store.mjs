// In-memory Mastodon data: statuses, notifications, conversations, announcements and the
// timelines that index them, with Mastodon's paging (max_id / since_id / min_id / limit).

import { compareIds, SnowflakeIds, SequentialIds } from './ids.mjs';
import { normalizeTag } from './streams.mjs';

/**
 * @typedef {{ max_id?: string | null, since_id?: string | null, min_id?: string | null, limit?: number }} PageParams
 */

/**
 * A list of ids kept in ascending order (new ids are appended; they only grow).
 */
class IdIndex {
  /** @param {number} cap */
  constructor(cap) {
    /** @type {string[]} */
    this.ids = [];
    this.cap = cap;
  }

  /** @param {string} id */
  add(id) {
    const ids = this.ids;
    if (ids.length === 0 || compareIds(ids[ids.length - 1] ?? '0', id) < 0) ids.push(id);
    else {
      const i = this.lowerBound(id);
      if (ids[i] === id) return;
      ids.splice(i, 0, id);
    }
    if (ids.length > this.cap + Math.ceil(this.cap / 10)) ids.splice(0, ids.length - this.cap);
  }

  /** @param {string} id */
  remove(id) {
    const i = this.lowerBound(id);
    if (this.ids[i] === id) this.ids.splice(i, 1);
  }

  /** First index whose id is >= the given id. @param {string} id */
  lowerBound(id) {
    let lo = 0;
    let hi = this.ids.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (compareIds(this.ids[mid] ?? '0', id) < 0) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }

  /** First index whose id is > the given id. @param {string} id */
  upperBound(id) {
    let lo = 0;
    let hi = this.ids.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (compareIds(this.ids[mid] ?? '0', id) <= 0) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }

  /**
   * Mastodon paging. Returns ids newest first.
   * @param {PageParams} p
   * @param {(id: string) => boolean} [accept] filter applied before the limit
   */
  page(p, accept = () => true) {
    const limit = Math.max(1, p.limit ?? 20);
    let lo = 0; // inclusive
    let hi = this.ids.length; // exclusive
    if (p.max_id) hi = Math.min(hi, this.lowerBound(p.max_id));
    if (p.since_id) lo = Math.max(lo, this.upperBound(p.since_id));
    if (p.min_id) lo = Math.max(lo, this.upperBound(p.min_id));
    /** @type {string[]} */
    const out = [];
    if (p.min_id) {
      // The page immediately newer than min_id: the oldest `limit` ids above it.
      for (let i = lo; i < hi && out.length < limit; i++) {
        const id = this.ids[i];
        if (id !== undefined && accept(id)) out.push(id);
      }
      out.reverse();
    } else {
      for (let i = hi - 1; i >= lo && out.length < limit; i--) {
        const id = this.ids[i];
        if (id !== undefined && accept(id)) out.push(id);
      }
    }
    return out;
  }
}

export class Store {
  /** @param {{ cap?: number }} [opts] */
  constructor(opts = {}) {
    this.cap = opts.cap ?? 20000;
    this.statusIds = new SnowflakeIds();
    this.notificationIds = new SequentialIds(1);
    this.conversationIds = new SequentialIds(1);
    this.announcementIds = new SequentialIds(1);
    this.mediaIds = new SnowflakeIds(117024248092393661n);
    /** @type {Map<string, any>} status id -> Status */
    this.statuses = new Map();
    /** @type {Map<string, { keys: import('./streams.mjs').StreamKey[], timelines: string[], local: boolean }>} */
    this.statusMeta = new Map();
    /** @type {Map<string, IdIndex>} timeline name -> ids */
    this.timelines = new Map();
    /** @type {Map<string, any>} */
    this.notifications = new Map();
    this.notificationIndex = new IdIndex(this.cap);
    /** @type {Map<string, any>} conversation id -> Conversation */
    this.conversations = new Map();
    /** paged by last_status id, as Mastodon does: last_status id -> conversation id */
    this.conversationIndex = new IdIndex(this.cap);
    /** @type {Map<string, string>} */
    this.conversationByLastStatus = new Map();
    /** @type {Map<string, any>} */
    this.announcements = new Map();
  }

  /** @param {string} name */
  timeline(name) {
    let t = this.timelines.get(name);
    if (!t) {
      t = new IdIndex(this.cap);
      this.timelines.set(name, t);
    }
    return t;
  }

  /**
   * Timeline names: 'home', 'public', 'public:local', 'public:remote', 'tag:<tag>', 'tag:local:<tag>', 'list:<id>'
   * @param {string} tag @param {boolean} [local]
   */
  static tagTimeline(tag, local = false) {
    return `${local ? 'tag:local:' : 'tag:'}${normalizeTag(tag)}`;
  }

  /**
   * @param {any} status
   * @param {{ keys: import('./streams.mjs').StreamKey[], timelines: string[], local: boolean }} meta
   */
  addStatus(status, meta) {
    this.statuses.set(status.id, status);
    this.statusMeta.set(status.id, meta);
    for (const t of meta.timelines) this.timeline(t).add(status.id);
    if (this.statuses.size > this.cap * 3) {
      const first = this.statuses.keys().next().value;
      if (first !== undefined) this.removeStatus(first);
    }
  }

  /** @param {string} id */
  getStatus(id) {
    return this.statuses.get(String(id));
  }

  /** @param {string} id */
  removeStatus(id) {
    const meta = this.statusMeta.get(id);
    if (meta) for (const t of meta.timelines) this.timelines.get(t)?.remove(id);
    this.statuses.delete(id);
    this.statusMeta.delete(id);
    return meta;
  }

  /**
   * A page of a timeline, newest first.
   * @param {string} name @param {PageParams} params @param {(s: any) => boolean} [filter]
   */
  pageTimeline(name, params, filter) {
    const t = this.timelines.get(name);
    if (!t) return [];
    const ids = t.page(params, (id) => {
      const s = this.statuses.get(id);
      return s !== undefined && (!filter || filter(s));
    });
    return ids.map((id) => this.statuses.get(id));
  }

  /** @param {any} n */
  addNotification(n) {
    this.notifications.set(n.id, n);
    this.notificationIndex.add(n.id);
    if (this.notifications.size > this.cap * 1.1) {
      const first = this.notifications.keys().next().value;
      if (first !== undefined) this.notifications.delete(first);
    }
  }

  /** @param {PageParams} params @param {(n: any) => boolean} [filter] */
  pageNotifications(params, filter) {
    return this.notificationIndex
      .page(params, (id) => {
        const n = this.notifications.get(id);
        return n !== undefined && (!filter || filter(n));
      })
      .map((id) => this.notifications.get(id));
  }

  /** @param {any} c */
  upsertConversation(c) {
    const old = this.conversations.get(c.id);
    if (old?.last_status) {
      this.conversationIndex.remove(old.last_status.id);
      this.conversationByLastStatus.delete(old.last_status.id);
    }
    this.conversations.set(c.id, c);
    if (c.last_status) {
      this.conversationIndex.add(c.last_status.id);
      this.conversationByLastStatus.set(c.last_status.id, c.id);
    }
  }

  /** @param {PageParams} params */
  pageConversations(params) {
    return this.conversationIndex
      .page(params, (sid) => this.conversationByLastStatus.has(sid))
      .map((sid) => this.conversations.get(this.conversationByLastStatus.get(sid) ?? ''));
  }
}
