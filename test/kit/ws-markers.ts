// What the library sends on a WebSocket besides (un)subscribes: markers (src/transport/ws/ledger.ts).
// After each batch of subscribes it sends one, and a quiet socket sends one as a liveness probe;
// Mastodon answers each with {"error":"Error unsubscribing from channel"}.
import type { FakeMastodon } from '../fake-mastodon/index.mjs';

/** Closes a batch, and probes a quiet socket. */
export const MARKER = { type: 'unsubscribe', stream: 'ping' } as const;
/** Closes a batch that holds a list (Mastodon checks both in the database). */
export const LIST_MARKER = { type: 'unsubscribe', stream: 'list', list: '0' } as const;

type Message = { type?: unknown; stream?: unknown; list?: unknown };
export const isMarker = (m: Message): boolean =>
  m.type === 'unsubscribe' && (m.stream === 'ping' || (m.stream === 'list' && m.list === '0'));

/** The client's messages at the fake, markers left out (see `markerCount`). */
export const wsCommands = (fake: FakeMastodon): unknown[] => fake.wsMessages.map((m) => m.message).filter((m) => !isMarker(m));
export const markerCount = (fake: FakeMastodon): number => fake.wsMessages.filter((m) => isMarker(m.message)).length;
