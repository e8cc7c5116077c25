/**
 * Recordings of the real Mastodon streaming server (4.8.0-alpha.1), vendored in test/fixtures/
 * (see its README): replayed through the parser in every chunking, and over loopback SSE and
 * WebSocket in every chunking, through the public API. The expected listener calls come from
 * events.json (what was published), never from the library.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { Mastodon, MastodonNetworkError, type MastodonOptions } from '../../src/index.js';
import { repoRoot } from '../setup/env.mjs';
import {
  bytewise,
  CHUNKINGS,
  enc,
  feedParser,
  norm,
  record,
  splitAt,
  startWsWireServer,
  until,
  useCleanup,
  useWireServer,
  type Call,
  type WsPeer,
} from '../kit/index.js';

const dir = join(repoRoot, 'test', 'fixtures');
const read = (f: string) => new Uint8Array(readFileSync(join(dir, f)));
type Published = { channel: string; event: string; payload: unknown };
const published = JSON.parse(readFileSync(join(dir, 'events.json'), 'utf8')) as Record<string, Published[]>;

/** The listener method each recorded event reaches (Mastodon.py's names). */
const METHOD: Record<string, string> = {
  update: 'onUpdate',
  'status.update': 'onStatusUpdate',
  notification: 'onNotification',
  delete: 'onDelete',
  announcement: 'onAnnouncement',
  'announcement.reaction': 'onAnnouncementReaction',
  'announcement.delete': 'onAnnouncementDelete',
  notifications_merged: 'onNotificationsMerged',
};
/** What a listener with every documented method receives for one published event. */
const callOf = ({ event, payload }: Published): Call =>
  METHOD[event] ? [METHOD[event]!, payload] : ['onUnknownEvent', event, payload];

/** The SSE recordings: greeting, the published events in order, then (user.sse) one `:thump`. */
const SSE = {
  'user.sse': { open: (m: Mastodon, l: object) => m.streamUser(l), path: '/api/v1/streaming/user', heartbeats: 1 },
  'public.sse': { open: (m: Mastodon, l: object) => m.streamPublic(l), path: '/api/v1/streaming/public', heartbeats: 0 },
} as const;

const expectedSse = (file: keyof typeof SSE): Call[] => [
  ['handleHeartbeat'],
  ...published[file]!.map(callOf),
  ...Array.from({ length: SSE[file].heartbeats }, (): Call => ['handleHeartbeat']),
];

describe('the recordings are what their README says', () => {
  it('user.sse: greeting, ten events, one heartbeat; public.sse: greeting, update, delete', () => {
    expect(published['user.sse']!.map((p) => p.event)).toEqual([
      'update', 'update', 'status.update', 'notification', 'delete', 'announcement', 'announcement.reaction',
      'announcement.delete', 'notifications_merged', 'some.future_event',
    ]);
    expect(published['public.sse']!.map((p) => p.event)).toEqual(['update', 'delete']);
    expect(published['websocket.jsonl']!.map((p) => p.event)).toEqual(['update', 'update', 'notification', 'delete']);
    const user = new TextDecoder().decode(read('user.sse'));
    expect(user.startsWith(':)\nevent: update\n')).toBe(true);
    expect(user.endsWith(':thump\n\n')).toBe(true);
    // The delete data is a bare, unquoted 18-digit id.
    expect(user).toContain('event: delete\ndata: 117024248092393662\n\n');
  });
});

describe('SSE recordings through the parser, in every chunking', () => {
  for (const file of Object.keys(SSE) as (keyof typeof SSE)[]) {
    const bytes = read(file);
    const want = norm(expectedSse(file));

    it(`${file}: whole, byte by byte, and cut in two at every offset — the same exact calls`, () => {
      for (const chunks of [[bytes], bytewise(bytes)]) {
        const r = record();
        expect(feedParser(chunks, r.listener)).toEqual({ fed: chunks.length });
        expect(norm(r.calls)).toBe(want);
      }
      for (let i = 0; i <= bytes.length; i++) {
        const r = record();
        feedParser(splitAt(bytes, i), r.listener);
        const got = norm(r.calls);
        if (got !== want) expect({ offset: i, got }).toEqual({ offset: i, got: want });
      }
    }, 60_000);

    it(`${file}: cut in three at every offset pair around each event boundary`, () => {
      const text = new TextDecoder().decode(bytes);
      const bounds = [...text.matchAll(/\n\n/g)].map((m) => enc(text.slice(0, m.index)).length);
      for (const b of bounds) {
        for (let i = Math.max(1, b - 3); i <= b + 3; i++) {
          for (let j = i; j <= Math.min(bytes.length, b + 6); j++) {
            const r = record();
            feedParser(splitAt(bytes, i, j), r.listener);
            expect(norm(r.calls), `cut at ${i}, ${j}`).toBe(want);
          }
        }
      }
    });
  }
});

describe('SSE recordings over loopback HTTP, in every chunking', () => {
  const wire = useWireServer({ greeting: '' });
  const chunkings = { whole: {}, '1-byte writes': { chunkSize: 1 }, '7-byte writes': { chunkSize: 7 }, '1000-byte writes': { chunkSize: 1000 } };
  for (const file of Object.keys(SSE) as (keyof typeof SSE)[]) {
    for (const [name, opts] of Object.entries(chunkings)) {
      it(`${file} (${name}): a blocking stream delivers exactly the recorded calls, then resolves at the clean end`, async () => {
        const s = await wire.start();
        const m = new Mastodon({ apiBaseUrl: s.url, streamingBaseUrl: s.url, accessToken: 'tok' });
        const r = record();
        const done = SSE[file].open(m, r.listener) as Promise<void>;
        await s.waitForConns(1);
        await s.write(read(file), opts);
        s.end();
        await expect(done).resolves.toBeUndefined();
        expect(norm(r.calls)).toBe(norm(expectedSse(file)));
        expect(s.streamRequests().map((q) => [q.url, q.headers.authorization])).toEqual([[SSE[file].path, 'Bearer tok']]);
      });
    }
  }
});

describe('the WebSocket recording over loopback, in every chunking', () => {
  const { keep } = useCleanup();
  const lines = new TextDecoder().decode(read('websocket.jsonl')).split('\n').filter(Boolean);
  const [refusal, ...events] = lines as [string, ...string[]];
  const frames = events.map((l) => JSON.parse(l) as { stream: string[]; event: string; payload: string });
  const pub = published['websocket.jsonl']!;

  it('the frames are what was published: payloads a JSON string (a second parse), delete a bare id', () => {
    expect(JSON.parse(refusal)).toEqual({ error: 'Not authorized to stream this list', status: 401 });
    expect(frames.map((f) => [f.stream, f.event])).toEqual([
      [['user'], 'update'], [['hashtag', 'tidepools'], 'update'], [['user'], 'notification'], [['user'], 'delete'],
    ]);
    frames.forEach((f, i) => expect(f.event === 'delete' ? f.payload : JSON.parse(f.payload)).toEqual(pub[i]!.payload));
  });

  for (const chunking of CHUNKINGS) {
    it(`${chunking}: user, hashtag and a foreign list on one socket get exactly their calls; the list its refusal`, async () => {
      const subscribed = new Set<string>();
      // As the real server answers: every subscribe to the list is refused with the recorded
      // frame; an unsubscribe it cannot resolve (an unknown stream, a list not owned) is
      // answered with an error — the library may use one as a marker; the rest gets no answer.
      const known = new Set(['user', 'user:notification', 'public', 'public:local', 'public:remote', 'public:media', 'public:local:media', 'public:remote:media', 'hashtag', 'hashtag:local', 'direct']);
      const answer = (peer: WsPeer) => (msg: unknown) => {
        const { type, stream, tag } = msg as { type?: string; stream?: string; tag?: string };
        if (type === 'subscribe') {
          subscribed.add(stream === 'hashtag' ? `hashtag:${tag}` : String(stream));
          if (stream === 'list') void peer.send([refusal], chunking);
        } else if (type === 'unsubscribe' && (stream === 'list' || !known.has(String(stream)))) {
          void peer.send([JSON.stringify({ error: 'Error unsubscribing from channel' })], chunking);
        }
      };
      const server = keep(await startWsWireServer((peer) => (peer.onMessage = answer(peer))));
      const m = new Mastodon({ apiBaseUrl: server.url, streamingBaseUrl: server.url, accessToken: 'tok', transport: 'websocket', WebSocket } as MastodonOptions);
      const opts = { runAsync: true, reconnectAsync: false, timeoutSec: 30 } as const;
      const user = record(), tag = record(), list = record();
      const hu = keep(m.streamUser(user.listener, opts));
      const ht = keep(m.streamHashtag('tidepools', tag.listener, opts));
      const hl = keep(m.streamList('99', list.listener, opts));
      await until(() => subscribed.size === 3 && list.aborts().length === 1, { what: 'three subscribes and the refusal of the list' });

      const peer = server.peers[0]!;
      await peer.send(events, chunking);
      await until(() => user.events().length === 3 && tag.events().length === 1, { what: 'the recorded events' });
      await peer.closeWithoutCode();
      await Promise.all([hu.done, ht.done, hl.done]);

      expect(server.peers).toHaveLength(1);
      // The close (1005, no code) ends both streams, non-fatally (reconnectAsync: false).
      const closedByServer = expect.objectContaining({ fatal: false, name: 'MastodonNetworkError' });
      expect(user.calls).toEqual([
        ['onUpdate', pub[0]!.payload], ['onNotification', pub[2]!.payload], ['onDelete', '117024248092393662'], ['onAbort', closedByServer],
      ]);
      expect(tag.calls).toEqual([['onUpdate', pub[1]!.payload], ['onAbort', closedByServer]]);
      expect(list.calls).toHaveLength(1);
      const err = list.aborts()[0] as MastodonNetworkError;
      expect(err).toBeInstanceOf(MastodonNetworkError);
      expect([err.message, err.status, err.fatal, err.serverMessage]).toEqual([
        'Subscribe to list 99 answered 401: Not authorized to stream this list', 401, true, 'Not authorized to stream this list',
      ]);
      expect([hu, ht, hl].map((h) => h.isAlive())).toEqual([false, false, false]);
    });
  }
});
