/** Drives the real SSE parser directly: bytes → createSseParser → toPayload → Dispatcher. */
import { Dispatcher, type Listener } from '../../src/listener.js';
import { toPayload } from '../../src/payload.js';
import { createSseParser } from '../../src/sse/parser.js';
import type { Call } from './record.js';

/**
 * Feeds `chunks` to a fresh parser whose events go through `toPayload` and a `Dispatcher` to
 * `listener`, as the SSE transport does. A thrown error goes to `onAbort` (as the handle does)
 * and stops the feeding; it is also returned.
 */
export function feedParser(
  chunks: Uint8Array[],
  listener: Listener,
  maxEventBytes = 16 * 1024 * 1024,
  forStream: readonly string[] = ['user'],
): { error?: unknown; fed: number } {
  const d = new Dispatcher(listener, forStream);
  const feed = createSseParser((n, data) => d._event(n, toPayload(n, data)), () => d._call('handleHeartbeat'), maxEventBytes);
  let fed = 0;
  try {
    for (const c of chunks) {
      feed(c);
      fed++;
    }
  } catch (error) {
    d._call('onAbort', error as Error);
    return { error, fed };
  }
  return { fed };
}

/** Calls made comparable as a string: errors become `{error, reason}`. */
export function norm(calls: Call[]): string {
  return JSON.stringify(
    calls.map((c) =>
      c.map((x) => (x instanceof Error ? { error: x.constructor.name, reason: (x as { reason?: string }).reason ?? null } : x)),
    ),
  );
}
