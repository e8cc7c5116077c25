/** The recording listener: every call a stream makes to its listener, in order. */

export type Call = [string, ...unknown[]];

/** Every listener method a recorder implements by default (onAnyEvent only when asked). */
export const LISTENER_METHODS = [
  'onUpdate',
  'onStatusUpdate',
  'onDelete',
  'onNotification',
  'onConversation',
  'onFiltersChanged',
  'onAnnouncement',
  'onAnnouncementReaction',
  'onAnnouncementDelete',
  'onEncryptedMessage',
  'onNotificationsMerged',
  'onUnknownEvent',
  'handleHeartbeat',
  'onAbort',
] as const;

export interface Recorder {
  /** The listener to pass to a stream method. */
  listener: Record<string, (...args: unknown[]) => void>;
  /** Every call, in order: `['onUpdate', payload]`. */
  calls: Call[];
  /** The calls without heartbeats. */
  events(): Call[];
  /** Names of the calls, in order. */
  names(): string[];
  /** The errors passed to onAbort. */
  aborts(): Error[];
  /** The calls without heartbeats, short: `['update', status.id]`, `['abort', error]`, else `['delete', payload]` … */
  brief(): unknown[][];
}

/**
 * A listener that logs its exact calls. `methods` chooses which methods exist (a listener
 * without a method gets `onUnknownEvent` for that event); `extra` adds or overrides methods
 * (they are recorded too, then run).
 */
export function record(
  methods: readonly string[] = LISTENER_METHODS,
  extra: Record<string, (...args: unknown[]) => void> = {},
): Recorder {
  const calls: Call[] = [];
  const listener: Record<string, (...args: unknown[]) => void> = {};
  for (const m of methods) listener[m] = (...args: unknown[]) => void calls.push([m, ...args]);
  for (const [m, fn] of Object.entries(extra)) {
    listener[m] = (...args: unknown[]) => {
      calls.push([m, ...args]);
      fn(...args);
    };
  }
  return {
    listener,
    calls,
    events: () => calls.filter((c) => c[0] !== 'handleHeartbeat'),
    names: () => calls.map((c) => c[0]),
    aborts: () => calls.filter((c) => c[0] === 'onAbort').map((c) => c[1] as Error),
    brief: () =>
      calls
        .filter((c) => c[0] !== 'handleHeartbeat')
        .map(([m, x]) => {
          const name = m[2]!.toLowerCase() + m.slice(3);
          return [name, name === 'update' ? (x as { id: string }).id : x];
        }),
  };
}
