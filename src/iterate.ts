import type { StreamEvent, StreamEventName, StreamName } from './events.js';
import type { Stream } from './handle.js';
import type { Listener } from './listener.js';

/** An event `mastodon.stream()` does not know by name, yielded rather than dropped. */
export interface UnknownStreamEvent {
  event: 'unknown';
  /** The event name as the server sent it. */
  name: string;
  payload: unknown;
  stream: StreamName;
}

/**
 * The events `StreamEventMap` names, exactly (the type checks that the two agree). A name that
 * merely maps onto the same listener method (`status_update`, `Update`, `delete_`) is not one of
 * them: it is yielded as unknown, with its own name.
 */
const KNOWN: Record<StreamEventName, 1> = {
  update: 1,
  'status.update': 1,
  delete: 1,
  notification: 1,
  conversation: 1,
  filters_changed: 1,
  announcement: 1,
  'announcement.reaction': 1,
  'announcement.delete': 1,
  encrypted_message: 1,
  notifications_merged: 1,
};
const known = (name: string): boolean => Object.hasOwn(KNOWN, name);

type Item = StreamEvent | UnknownStreamEvent;

/**
 * Turns a listener-driven stream into an async iterator. Events queue until the consumer asks
 * for them; the queue is the consumer's to drain (a consumer that never reads lets it grow).
 */
export function iterate(start: (listener: Listener) => Stream): AsyncIterableIterator<Item> {
  const queue: Item[] = [];
  let head = 0;
  let waiting: ((r: IteratorResult<Item>) => void) | undefined;
  let failWaiting: ((e: unknown) => void) | undefined;
  let finished = false;

  const push = (item: Item) => {
    if (waiting) {
      const w = waiting;
      waiting = failWaiting = undefined;
      w({ value: item, done: false });
    } else queue.push(item);
  };

  const stream = start({
    onAnyEvent(name, payload, stream) {
      push(
        known(name)
          ? ({ event: name, payload, stream } as StreamEvent)
          : { event: 'unknown', name, payload, stream },
      );
    },
  });

  // When the handle ends, a pending `next()` learns it: done, or the error that ended it.
  void stream.done.then(() => {
    if (!waiting) return;
    const w = waiting, f = failWaiting!, err = stream.error;
    waiting = failWaiting = stream.error = undefined; // thrown once
    finished = true;
    if (err) f(err);
    else w({ value: undefined, done: true });
  });

  const it: AsyncIterableIterator<Item> = {
    next(): Promise<IteratorResult<Item>> {
      if (head < queue.length) {
        const value = queue[head++]!;
        if (head === queue.length) queue.length = head = 0;
        return Promise.resolve({ value, done: false });
      }
      if (finished || !stream.isAlive()) {
        finished = true;
        const err = stream.error;
        stream.error = undefined; // thrown once
        return err ? Promise.reject(err) : Promise.resolve({ value: undefined, done: true });
      }
      return new Promise((resolve, reject) => {
        waiting = resolve;
        failWaiting = reject;
      });
    },
    return(): Promise<IteratorResult<Item>> {
      finished = true;
      stream.error = undefined;
      stream.close();
      queue.length = head = 0;
      return Promise.resolve({ value: undefined, done: true });
    },
    [Symbol.asyncIterator]() {
      return it;
    },
  };
  return it;
}
