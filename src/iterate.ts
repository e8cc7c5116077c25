import type { StreamEvent, StreamName } from './events.js';
import type { Stream } from './handle.js';
import { methodNameFor, StreamListener, type Listener } from './listener.js';

/** An event `mastodon.stream()` does not know by name, yielded rather than dropped. */
export interface UnknownStreamEvent {
  event: 'unknown';
  /** The event name as the server sent it. */
  name: string;
  payload: unknown;
  stream: StreamName;
}

/**
 * The events `StreamEventMap` names are exactly those `StreamListener` has a method for, so
 * the class doubles as the list (no second table to keep in step).
 */
const known = (name: string): boolean => {
  const method = methodNameFor(name);
  return !!method && typeof (StreamListener.prototype as unknown as Record<string, unknown>)[method] == 'function';
};

type Item = StreamEvent | UnknownStreamEvent;

/**
 * Turns a listener-driven stream into an async iterator. Events queue until the consumer asks
 * for them; the queue is the consumer's to drain (a consumer that never reads lets it grow).
 */
export function iterate(start: (listener: Listener) => Stream): AsyncIterableIterator<Item> {
  const queue: Item[] = [];
  let head = 0;
  /** The pending `next()`'s resolve: given a value, or the promise `end()` makes (resolving with a rejected promise rejects). */
  let waiting: ((r: IteratorResult<Item> | Promise<IteratorResult<Item>>) => void) | undefined;
  let finished = false;

  const push = (item: Item) => {
    if (waiting) {
      const w = waiting;
      waiting = undefined;
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

  /** The end: the error that ended the stream, thrown once (taken off the handle), else done. */
  const end = (): Promise<IteratorResult<Item>> => {
    finished = true;
    const err = stream.error;
    stream.error = undefined;
    return err ? Promise.reject(err) : Promise.resolve({ value: undefined, done: true });
  };

  // When the handle ends, a pending `next()` learns it.
  void stream.done.then(() => {
    const w = waiting;
    waiting = undefined;
    w?.(end());
  });

  const it: AsyncIterableIterator<Item> = {
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
