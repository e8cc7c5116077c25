/** Property-based tests of the SSE parser (fast-check). */
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Mastodon, MastodonMalformedEventError, MastodonNetworkError } from '../src/index.js';
import { concat, enc, feedParser, norm, record, splitAt, startServer, until, type Call, type TestServer } from './kit/index.js';

type Item = { kind: 'comment'; text: string } | { kind: 'event'; name: string; data: string; pretty: boolean };

const eventName = fc.stringMatching(/^[a-z][a-z0-9_.]{0,12}$/);
const digits = fc.bigInt({ min: 0n, max: 10n ** 19n }).map(String);
const jsonPayload = fc.jsonValue().map((v) => JSON.stringify(v)).filter((s) => s !== undefined && s.length > 0);
const item: fc.Arbitrary<Item> = fc.oneof(
  fc.record({ kind: fc.constant('comment' as const), text: fc.string({ unit: 'grapheme', maxLength: 20 }).map((t) => t.replace(/[\r\n]/g, '')) }),
  fc.record({ kind: fc.constant('event' as const), name: eventName, data: fc.oneof(jsonPayload, digits), pretty: fc.boolean() }),
  fc.record({
    kind: fc.constant('event' as const),
    name: fc.constantFrom('delete', 'announcement.delete', 'update', 'notifications_merged', 'status.update'),
    data: digits,
    pretty: fc.constant(false),
  }),
);

/** The payload toPayload should give, from the rule in docs/protocol.md (mirrored, not imported). */
function expectedPayload(name: string, data: string): unknown {
  if (name === 'delete' || name === 'announcement.delete') return data;
  if (/^\d+$/.test(data)) return data;
  if (name === 'filters_changed' && !data.startsWith('{')) return undefined;
  return JSON.parse(data);
}

function serialise(items: Item[], eol: string, sep: string, bom: boolean): Uint8Array {
  let out = '';
  for (const it of items) {
    if (it.kind === 'comment') out += ':' + it.text + eol;
    else {
      out += `event${sep}${it.name}${eol}`;
      // Pretty JSON spreads the payload over several data lines, joined again with \n.
      const lines = it.pretty && it.data.startsWith('{') ? JSON.stringify(JSON.parse(it.data), null, 1).split('\n') : [it.data];
      for (const l of lines) out += `data${sep}${l}${eol}`;
      out += eol;
    }
  }
  const bytes = enc(out);
  return bom ? concat(new Uint8Array([0xef, 0xbb, 0xbf]), bytes) : bytes;
}

const expectedCalls = (items: Item[]): Call[] =>
  items.flatMap((it): Call[] => {
    if (it.kind === 'comment') return [['handleHeartbeat']];
    const p = expectedPayload(it.name, it.data);
    return [
      ['onAnyEvent', it.name, p, ['user']],
      ['onUnknownEvent', it.name, p],
    ];
  });

// Bytes that look like SSE often, plus anything at all.
const fragment = fc.oneof(
  fc.constantFrom('event: ', 'data: ', 'event:', 'data:', '\n', '\r', '\r\n', '\n\n', ':', '{', '}', '"', 'update', 'delete', '123', 'id: 1', '\uFEFF').map(enc),
  fc.uint8Array({ maxLength: 8 }),
  fc.constantFrom(new Uint8Array([0xf0, 0x9f, 0x98]), new Uint8Array([0xff]), new Uint8Array([0xc3]), new Uint8Array([0xef, 0xbb, 0xbf])),
);
const noise = fc.array(fragment, { maxLength: 40 }).map((parts) => concat(...parts));

const METHODS = ['onAnyEvent', 'onUnknownEvent', 'handleHeartbeat', 'onAbort'];

describe('parser properties', () => {
  it('any valid event sequence, any line ends, any split: the same calls as the whole, and the expected ones', () => {
    fc.assert(
      fc.property(
        fc.array(item, { maxLength: 12 }),
        fc.constantFrom('\n', '\r\n', '\r'),
        fc.constantFrom(': ', ':'),
        fc.boolean(),
        fc.array(fc.nat(), { maxLength: 8 }),
        (items, eol, sep, bom, rawCuts) => {
          const bytes = serialise(items, eol, sep, bom);
          const cuts = [...new Set(rawCuts.map((c) => c % (bytes.length + 1)))].sort((a, b) => a - b);
          const whole = record(METHODS);
          const w = feedParser([bytes], whole.listener);
          const split = record(METHODS);
          const sp = feedParser(splitAt(bytes, ...cuts), split.listener);
          expect(w.error).toBeUndefined();
          expect(sp.error).toBeUndefined();
          expect(norm(split.calls)).toBe(norm(whole.calls));
          expect(norm(whole.calls)).toBe(norm(expectedCalls(items)));
        },
      ),
      { numRuns: 400 },
    );
  });

  it('one byte at a time gives the same calls as the whole', () => {
    fc.assert(
      fc.property(fc.array(item, { maxLength: 6 }), fc.constantFrom('\n', '\r\n', '\r'), (items, eol) => {
        const bytes = serialise(items, eol, ': ', false);
        const a = record(METHODS);
        feedParser([bytes], a.listener);
        const b = record(METHODS);
        feedParser(Array.from(bytes, (_, i) => bytes.subarray(i, i + 1)), b.listener);
        expect(norm(b.calls)).toBe(norm(a.calls));
      }),
      { numRuns: 100 },
    );
  });

  it('arbitrary bytes never throw anything but MastodonMalformedEventError', () => {
    fc.assert(
      fc.property(noise, fc.array(fc.nat(), { maxLength: 6 }), fc.integer({ min: 1, max: 64 }), (bytes, rawCuts, limit) => {
        const cuts = [...new Set(rawCuts.map((c) => c % (bytes.length + 1)))].sort((a, b) => a - b);
        for (const max of [limit, 16 * 1024 * 1024]) {
          const r = record(['onUpdate', 'onDelete', 'onUnknownEvent', 'handleHeartbeat', 'onAbort', 'onAnyEvent']);
          const { error } = feedParser(splitAt(bytes, ...cuts), r.listener, max);
          if (error !== undefined) {
            expect(error).toBeInstanceOf(MastodonMalformedEventError);
            expect(['Bad JSON', 'Missing field', 'Malformed UTF-8', 'Event too large']).toContain((error as MastodonMalformedEventError).reason);
            expect(r.calls.at(-1)).toEqual(['onAbort', error]);
          }
        }
      }),
      { numRuns: 1000 },
    );
  });

  it('memory is bounded: a pending event never holds more than maxEventBytes, and an oversized one errors', () => {
    fc.assert(
      fc.property(
        fc.array(item, { maxLength: 4 }),
        fc.integer({ min: 32, max: 2048 }),
        fc.integer({ min: 1, max: 700 }),
        fc.integer({ min: 1, max: 6000 }),
        fc.constantFrom('\n', '\r\n'),
        (items, max, chunk, extra, eol) => {
          // Complete small events first (each under the limit), then one that never ends.
          const prefix = serialise(items.filter((i) => i.kind === 'comment'), eol, ': ', false);
          const huge = enc(`event: update${eol}data: "${'x'.repeat(max + extra)}`);
          const bytes = concat(prefix, huge);
          const parts: Uint8Array[] = [];
          for (let i = 0; i < bytes.length; i += chunk) parts.push(bytes.subarray(i, i + chunk));
          const r = record(METHODS);
          const { error, fed } = feedParser(parts, r.listener, max);
          // Every chunk the parser accepted left at most maxEventBytes of the pending event held
          // (a line end counts as one byte: the CR of the event line's CRLF is extra on the wire).
          const accepted = parts.slice(0, fed).reduce((n, p) => n + p.length, 0);
          expect(accepted - prefix.length).toBeLessThanOrEqual(max + eol.length - 1);
          if (huge.length - eol.length > max) {
            expect(error).toBeInstanceOf(MastodonMalformedEventError);
            expect((error as MastodonMalformedEventError).reason).toBe('Event too large');
          }
        },
      ),
      { numRuns: 500 },
    );
  });
});

describe('arbitrary bytes over HTTP', () => {
  let s: TestServer;
  beforeAll(async () => {
    s = await startServer({ greeting: '' });
  });
  afterAll(async () => {
    await s.close();
  });

  it('reach onAbort only as MastodonMalformedEventError or MastodonNetworkError', async () => {
    const m = new Mastodon({ apiBaseUrl: s.url, accessToken: 'tok-abc123', streamingBaseUrl: s.url });
    const seen = new Set<string>();
    await fc.assert(
      fc.asyncProperty(noise, fc.integer({ min: 1, max: 16 }), fc.boolean(), async (bytes, chunkSize, drop) => {
        const n = s.conns.length;
        const r = record(['onUpdate', 'onDelete', 'onUnknownEvent', 'handleHeartbeat', 'onAbort']);
        const p = m.streamUser(r.listener, { timeoutSec: 5, maxEventBytes: 64 }).then(
          () => undefined,
          (e: unknown) => e,
        );
        await s.waitForConns(n + 1);
        const conn = s.conns[n]!;
        await s.write(bytes, { chunkSize }).catch(() => {});
        if (drop) conn.res.socket?.destroy();
        else conn.res.end();
        const err = await p;
        await until(() => conn.closed);
        for (const a of r.aborts()) {
          expect(a instanceof MastodonMalformedEventError || a instanceof MastodonNetworkError).toBe(true);
          seen.add(a.constructor.name);
        }
        if (err !== undefined) {
          expect(err instanceof MastodonMalformedEventError || err instanceof MastodonNetworkError).toBe(true);
          expect(r.aborts()).toEqual([err]);
        } else expect(r.aborts()).toEqual([]);
      }),
      { numRuns: 40 },
    );
    expect(seen.size).toBeGreaterThan(0);
  }, 30_000);
});
