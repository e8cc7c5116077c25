import type { StreamEvent, StreamEventName, StreamName } from './events.js';
import type { Stream } from './handle.js';
import type { CatchUpGap, Listener } from './listener.js';
import type { StreamPosition } from './position.js';

/** An event `mastodon.stream()` does not know by name, yielded rather than dropped. */
export interface UnknownStreamEvent {
  event: 'unknown';
  /** The event name as the server sent it. */
  name: string;
  payload: unknown;
  stream: StreamName;
}

/**
 * A catch-up gap (see `onCatchUpGap`), yielded in its place among the events. `event` is
 * `null`, which no event name can be, so a server event can never look like a gap.
 */
export interface StreamGap {
  event: null;
  gap: CatchUpGap;
}

/**
 * What `mastodon.stream()` returns: the events (and, with `catchUp`, the gaps), and `position()`
 * as on a handle.
 */
export interface StreamIterator<T = StreamEvent | UnknownStreamEvent | StreamGap> extends AsyncIterableIterator<T> {
  position(): StreamPosition | undefined;
}

/**
 * The events `StreamEventMap` names, exactly: the type checks that this lists every one of them
 * and nothing else. Only these are yielded as typed events; any other name — a near one such
 * as `status_update`, `Update` or `delete_`, which a listener's method rule would map onto a
 * known method — is yielded as `unknown`, with the name as sent.
 */
const KNOWN = {
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
} satisfies Record<StreamEventName, 1>;

type Item = StreamEvent | UnknownStreamEvent | StreamGap;

/**
 * Turns a listener-driven stream into an async iterator. Events queue until the consumer asks
 * for them; the queue is the consumer's to drain (a consumer that never reads lets it grow).
 */
export function iterate(start: (listener: Listener) => Stream): StreamIterator {
  const queue: Item[] = [];
  let head = 0;
  /** The pending `next()`'s resolve: given a value, or the promise `end()` makes (resolving with a rejected promise rejects). */
  let waiting: ((r: IteratorResult<Item> | Promise<IteratorResult<Item>>) => void) | undefined;
  let finished = false;

  /** The pending `next()`, taken (it is answered once). */
  const take = () => {
    const w = waiting;
    waiting = undefined;
    return w;
  };

  const push = (item: Item) => {
    const w = take();
    if (w) w({ value: item, done: false });
    else queue.push(item);
  };

  const stream = start({
    onAnyEvent(name, payload, stream) {
      push(
        Object.hasOwn(KNOWN, name)
          ? ({ event: name, payload, stream } as StreamEvent)
          : { event: 'unknown', name, payload, stream },
      );
    },
    onCatchUpGap(gap) {
      push({ event: null, gap });
    },
  });

  /** The end: the error that ended the stream, thrown once (taken off the handle), else done. */
  const end = async (): Promise<IteratorResult<Item>> => {
    finished = true;
    const err = stream.error;
    stream.error = undefined;
    if (err) throw err;
    return { value: undefined, done: true };
  };

  // When the handle ends, a pending `next()` learns it.
  void stream.done.then(() => take()?.(end()));

  const it: StreamIterator = {
    position: () => stream.position(),
    next(): Promise<IteratorResult<Item>> {
      if (head < queue.length) {
        const value = queue[head++]!;
        if (head === queue.length) queue.length = head = 0;
        return Promise.resolve({ value, done: false });
      }
      if (finished || !stream.isAlive()) return end();
      return new Promise((resolve) => (waiting = resolve));
    },
    return(): Promise<IteratorResult<Item>> {
      stream.error = undefined;
      stream.close();
      queue.length = head = 0;
      return end();
    },
    [Symbol.asyncIterator]() {
      return it;
    },
  };
  return it;
}
