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
 * The events `StreamEventMap` names, exactly: the types check that this lists every one of them
 * and nothing else. Only these are yielded as typed events; any other name — a near one such
 * as `status_update`, `Update` or `delete_`, which a listener's method rule would map onto a
 * known method — is yielded as `unknown`, with the name as sent. (An array: smaller than an
 * object's keys or a regular expression; in the order that gzips smallest.)
 */
const KNOWN = [
  'update',
  'notification',
  'notifications_merged',
  'conversation',
  'filters_changed',
  'announcement',
  'announcement.reaction',
  'status.update',
  'announcement.delete',
  'delete',
  'encrypted_message',
] as const satisfies readonly StreamEventName[];
/** Type-only (no code): an event of `StreamEventMap` left out of `KNOWN` makes this an error. */
type AllKnown<Left extends never = Exclude<StreamEventName, (typeof KNOWN)[number]>> = Left;

type Item = StreamEvent | UnknownStreamEvent | StreamGap;

/**
 * Turns a listener-driven stream into an async iterator. Events queue until the consumer asks
 * for them; the queue is the consumer's to drain (a consumer that never reads lets it grow).
 */
export function iterate(start: (listener: Listener) => Stream): StreamIterator {
  const queue: Item[] = [];
  /**
   * The next item to yield: the queue is read by index (`shift()` is quadratic on a long queue)
   * and emptied once read through. (Every item is an object: `queue[head]` is truthy iff one is left.)
   */
  let head = 0;
  /** The pending `next()`'s resolve: given a value, or the promise `end()` makes (resolving with a rejected promise rejects). */
  // (Typed as returning undefined, which a resolve does: `waiting = waiting(…)` answers it and clears it.)
  let waiting: ((r: IteratorResult<Item> | Promise<IteratorResult<Item>>) => undefined) | undefined;

  /** Queues `item` (if any), then answers the pending `next()` when it can: with the oldest queued item, else, once the stream has ended, with the end. */
  const answer = (item?: Item | void) => {
    if (item) queue.push(item);
    if (waiting && (queue[head] || !stream.isAlive())) {
      waiting = waiting(queue[head] ? { value: queue[head++]!, done: false } : end());
      queue[head] || (queue.length = head = 0);
    }
  };

  const stream = start({
    onAnyEvent(name, payload, stream) {
      answer(
        (KNOWN as readonly string[]).includes(name)
          ? ({ event: name, payload, stream } as StreamEvent)
          : { event: 'unknown', name, payload, stream },
      );
    },
    onCatchUpGap(gap) {
      answer({ event: null, gap });
    },
  });

  /** The end: the error that ended the stream, thrown once (taken off the handle), else done. */
  const end = async (): Promise<IteratorResult<Item>> => {
    const err = stream.error;
    stream.error = undefined;
    if (err) throw err;
    return { done: true } as IteratorResult<Item>;
  };

  // When the handle ends, a pending `next()` learns it.
  void stream.done.then(answer);

  const it: StreamIterator = {
    // (The handle's own closure: it needs no `this`.)
    position: stream.position,
    next: () => new Promise((resolve) => ((waiting = resolve as typeof waiting), answer())),
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
