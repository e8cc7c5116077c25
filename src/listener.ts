import type { Announcement, AnnouncementReaction, Conversation, Notification, Status } from './entities.js';
import type { StreamName } from './events.js';
import { reportError } from './platform.js';
import type { StreamPosition } from './position.js';

// eslint-disable-next-line @typescript-eslint/no-explicit-any
type AnyFn = (...args: unknown[]) => any;

/** Information about items a catch-up could not deliver (see `catchUp`). */
export interface CatchUpGap {
  /** The (first) REST timeline that could not be filled, e.g. `/api/v1/timelines/home`. */
  timeline: string;
  /**
   * `'cap'`: `catchUpMaxItems` reached; `'error'`: the REST API refused or failed; `'stuck'`: it
   * made no progress (a page with nothing new, or more than `catchUpMaxItems / 20 + 5` pages).
   */
  reason: 'cap' | 'error' | 'stuck';
  /** The newest id delivered in `timeline` before the gap (`'0'`: none, the timeline was empty): the missing items are newer. */
  sinceId?: string;
  /** Every timeline with missing items, each with its `sinceId` (several only for `'cap'`: the cap covers all timelines of the stream). */
  missing: { timeline: string; sinceId?: string }[];
  /** The error, for `reason: 'error'`. */
  error?: unknown;
}

/**
 * What a listener may implement: every method optional. A class instance (subclass of
 * `StreamListener`) or a plain object both work. Event methods follow the rule
 * `on` + each part of the event name split on `.` and `_`, capitalised.
 */
export interface Listener {
  onUpdate?(status: Status): void;
  onStatusUpdate?(status: Status): void;
  onDelete?(statusId: string): void;
  onNotification?(notification: Notification): void;
  onConversation?(conversation: Conversation): void;
  onFiltersChanged?(): void;
  onAnnouncement?(announcement: Announcement): void;
  onAnnouncementReaction?(reaction: AnnouncementReaction): void;
  onAnnouncementDelete?(announcementId: string): void;
  onEncryptedMessage?(message: unknown): void;
  onNotificationsMerged?(payload: string): void;
  onUnknownEvent?(name: string, payload: unknown): void;
  onAnyEvent?(name: string, payload: unknown, forStream: StreamName): void;
  handleHeartbeat?(): void;
  onAbort?(err: Error): void;
  onListenerError?(err: unknown, name: string): void;
  onCatchUpGap?(gap: CatchUpGap): void;
  /** `catchUp`: where the stream stands (see `handle.position()`), at most once a second while it moves. */
  onPosition?(position: StreamPosition): void;
}

/**
 * Mastodon.py's `StreamListener`: every method is a no-op. Subclass it and override what you
 * need; add `onSomeNewEvent(payload)` for events this version does not know.
 */
export class StreamListener implements Listener {
  // Each method is a typed signature and an implementation without parameters: the build
  // carries no parameter names it never uses.
  onUpdate(status: Status): void;
  onUpdate(): void {}
  onStatusUpdate(status: Status): void;
  onStatusUpdate(): void {}
  onDelete(statusId: string): void;
  onDelete(): void {}
  onNotification(notification: Notification): void;
  onNotification(): void {}
  onConversation(conversation: Conversation): void;
  onConversation(): void {}
  onFiltersChanged(): void {}
  onAnnouncement(announcement: Announcement): void;
  onAnnouncement(): void {}
  onAnnouncementReaction(reaction: AnnouncementReaction): void;
  onAnnouncementReaction(): void {}
  onAnnouncementDelete(announcementId: string): void;
  onAnnouncementDelete(): void {}
  onEncryptedMessage(message: unknown): void;
  onEncryptedMessage(): void {}
  onNotificationsMerged(payload: string): void;
  onNotificationsMerged(): void {}
  onUnknownEvent(name: string, payload: unknown): void;
  onUnknownEvent(): void {}
  onAnyEvent(name: string, payload: unknown, forStream: StreamName): void;
  onAnyEvent(): void {}
  handleHeartbeat(): void {}
  onAbort(err: Error): void;
  onAbort(): void {}
}

/** Handler functions for `CallbackStreamListener`, named as Mastodon.py's keyword arguments. */
export interface CallbackHandlers {
  updateHandler?: (status: Status) => void;
  /** Updates whose `account.acct` has no `@` (posts by local accounts). */
  localUpdateHandler?: (status: Status) => void;
  deleteHandler?: (statusId: string) => void;
  notificationHandler?: (notification: Notification) => void;
  conversationHandler?: (conversation: Conversation) => void;
  unknownEventHandler?: (name: string, payload: unknown) => void;
  statusUpdateHandler?: (status: Status) => void;
  filtersChangedHandler?: () => void;
  announcementHandler?: (announcement: Announcement) => void;
  announcementReactionHandler?: (reaction: AnnouncementReaction) => void;
  announcementDeleteHandler?: (announcementId: string) => void;
  encryptedMessageHandler?: (message: unknown) => void;
  heartbeatHandler?: () => void;
  abortHandler?: (err: Error) => void;
  anyEventHandler?: (name: string, payload: unknown, forStream: StreamName) => void;
  notificationsMergedHandler?: (payload: string) => void;
  catchUpGapHandler?: (gap: CatchUpGap) => void;
  positionHandler?: (position: StreamPosition) => void;
}

/**
 * Mastodon.py's `CallbackStreamListener`: a listener made of handler functions. Every method
 * calls its handler: `onStatusUpdate` → `statusUpdateHandler`, `handleHeartbeat` →
 * `heartbeatHandler` (defined in one loop rather than written out: smaller).
 */
export class CallbackStreamListener extends StreamListener {
  declare readonly handlers: CallbackHandlers;

  constructor(handlers: CallbackHandlers = {}) {
    super();
    this.handlers = handlers;
    // Defined on the first construction, not at import, so that an app without a
    // CallbackStreamListener does not bundle this.
    const proto = CallbackStreamListener.prototype as unknown as Record<string, unknown>;
    // (Its own `constructor` and `onUpdate`, and on later constructions every method, are there already.
    // Each method's handler name is made once, here, not on every call: a replace per event cost 0.25 µs.)
    for (const m of [...Object.getOwnPropertyNames(StreamListener.prototype), 'onCatchUpGap', 'onPosition'])
      if (!Object.hasOwn(proto, m))
        proto[m] = ((h: string) =>
          function (this: CallbackStreamListener, ...args: unknown[]) {
            (this.handlers as Record<string, AnyFn | undefined>)[h]?.(...args);
          })(m.replace(/^(?:on|handle)(.)/, (_, c: string) => c.toLowerCase()) + 'Handler');
  }

  override onUpdate(status: Status): void {
    const h = this.handlers;
    h.updateHandler?.(status);
    // (test() reads a missing or non-string acct as a string, 'undefined' for none: no @, local.)
    // (Only when there is a handler: no regex on the per-update path otherwise.)
    if (h.localUpdateHandler && !/@/.test(status?.account?.acct as string)) h.localUpdateHandler(status);
  }
}
export interface CallbackStreamListener extends Required<Omit<Listener, 'onListenerError'>> {}

// Listener methods that are not event handlers: an event whose name maps onto one of these
// (`abort` → `onAbort`) is an unknown event, never a call into the listener's machinery.
const RESERVED = ['onAbort', 'onAnyEvent', 'onUnknownEvent', 'onListenerError', 'onCatchUpGap', 'onPosition'];

// Event name → method name (`status.update` → `onStatusUpdate`, `some.new_event` →
// `onSomeNewEvent`; null for reserved names), computed once per distinct name. Mastodon sends a
// handful of names, so the cache stays tiny; it is capped so a hostile server cannot grow it
// forever.
const methodNames = new Map<string, string | null>();

/**
 * Calls listener methods with error isolation: whatever a method does wrong (throws, throws
 * from a getter, returns a promise that rejects) does not stop the stream; the error goes to
 * `onListenerError(err, name)` when the listener has one, else (or when that fails too) to
 * `console.error`. (Closures made by the constructor rather than members: smaller.)
 */
export class Dispatcher {
  /** Cleared by `close()`: from then on no listener method runs. */
  _active = true;
  /** Calls `listener[method](...args)` with exactly those arguments if it is a function; returns whether it was. */
  declare _call: (method: string, ...args: unknown[]) => boolean;
  /**
   * Delivers one event: `onAnyEvent` first, then its own method or `onUnknownEvent`. An event
   * without payload (`filters_changed`) calls its method with no argument. `name` is a string
   * (a WebSocket message that says `"event": ["update"]` is dropped by the socket's supervisor
   * before it gets here). No `stream`: the
   * dispatcher's own, frozen (a listener that mutates the array it is given cannot change the
   * stream: the next reconnect's URL is made from it).
   */
  declare _event: (name: string, payload: unknown, stream?: StreamName) => void;

  constructor(listener: Listener, forStream: StreamName) {
    /**
     * Runs `listener[method](...args)` if it is a function (returns whether it was); what goes
     * wrong goes to `failed`. `outer`: for `onListenerError` itself, the method whose error it
     * was given.
     */
    const run = (method: string, args: unknown[], outer?: string): boolean => {
      try {
        const fn = (listener as Record<string, unknown>)[method];
        if (typeof fn != 'function') return false;
        // An async method: its rejection too (any promise-like that can be caught).
        (fn as AnyFn).apply(listener, args)?.catch?.((err: unknown) => failed(err, method, outer));
      } catch (err) {
        failed(err, method, outer);
      }
      return true;
    };
    /** To `onListenerError(err, method)`; when there is none, or it failed too, to `console.error`. */
    const failed = (err: unknown, method: string, outer?: string): void => {
      if (outer || !run('onListenerError', [err, method], method)) reportError(`mastodon-streaming: ${outer ?? method} threw`, err);
    };
    const call = (this._call = (method, ...args) => !this._active || run(method, args));
    const all = Object.freeze(forStream);
    this._event = (name, payload, stream = all) => {
      call('onAnyEvent', name, payload, stream);
      let m = methodNames.get(name);
      if (m === undefined) {
        m = 'on' + ('.' + name).replace(/[._]+(.?)/g, (_, c: string) => c.toUpperCase());
        if (RESERVED.includes(m)) m = null;
        if (methodNames.size < 256) methodNames.set(name, m);
      }
      if (!(m && (payload === undefined ? call(m) : call(m, payload)))) call('onUnknownEvent', name, payload);
    };
  }
}
