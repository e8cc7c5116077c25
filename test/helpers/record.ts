/** Small shared test helpers: a recording listener, waiting, sleeping. */

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
  };
}

export const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/** Resolves once `cond()` is truthy; rejects after `timeoutMs` with `what` in the message. */
export async function waitFor(cond: () => unknown, timeoutMs = 3000, what = 'condition'): Promise<void> {
  const start = Date.now();
  for (;;) {
    if (await cond()) return;
    if (Date.now() - start > timeoutMs) throw new Error(`waitFor timed out after ${timeoutMs} ms: ${what}`);
    await sleep(5);
  }
}

export const enc = (s: string): Uint8Array => new TextEncoder().encode(s);

export const concat = (...parts: Uint8Array[]): Uint8Array => {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
};
