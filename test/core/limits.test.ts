/** maxEventBytes: a larger event is malformed and never buffered whole; one at the limit passes. */
import { describe, expect, it } from 'vitest';
import { Mastodon, MastodonMalformedEventError } from '../../src/index.js';
import { enc, feedParser, record, splitAt, until, useWireServer, type TestServer } from '../kit/index.js';

const KiB = 1024;
const chunks = (bytes: Uint8Array, size: number): Uint8Array[] => {
  const out: Uint8Array[] = [];
  for (let i = 0; i < bytes.length; i += size) out.push(bytes.subarray(i, i + size));
  return out;
};

/**
 * `event: update\ndata: {"a":"xxx…"}\n\n` whose block counts exactly `size` bytes: its lines
 * plus one byte per line end (CRLF counts as one, as a line end).
 */
const eventOfSize = (size: number, eol = '\n'): Uint8Array => {
  const overhead = 'event: update'.length + 1 + 'data: {"a":""}'.length + 1;
  return enc(`event: update${eol}data: {"a":"${'x'.repeat(size - overhead)}"}${eol}${eol}`);
};

describe('maxEventBytes (parser)', () => {
  it('a 1 MiB line fed in 16 KiB chunks with a 64 KiB limit fails before all chunks were fed', () => {
    const bytes = enc('event: update\ndata: "' + 'x'.repeat(1024 * KiB) + '"\n\n');
    const parts = chunks(bytes, 16 * KiB);
    const r = record();
    const { error, fed } = feedParser(parts, r.listener, 64 * KiB);
    expect(error).toBeInstanceOf(MastodonMalformedEventError);
    expect((error as MastodonMalformedEventError).reason).toBe('Event too large');
    expect((error as Error).message).toBe('Malformed event: Event too large');
    // At most limit + one chunk was ever held.
    expect(fed).toBeLessThanOrEqual(4);
    expect(parts.length).toBe(65);
    expect(r.calls).toEqual([['onAbort', error]]);
  });

  it('a many-line event (data lines) over the limit fails too', () => {
    const bytes = enc('event: update\n' + 'data: 1\n'.repeat(20000) + '\n');
    const { error, fed } = feedParser(chunks(bytes, 4 * KiB), record().listener, 16 * KiB);
    expect((error as MastodonMalformedEventError).reason).toBe('Event too large');
    expect(fed).toBeLessThanOrEqual(5);
  });

  it('one chunk with no line end bigger than the limit fails at once', () => {
    const { error, fed } = feedParser([enc('event: update\n'), enc('data: ' + 'x'.repeat(2000))], record().listener, 1000);
    expect((error as MastodonMalformedEventError).reason).toBe('Event too large');
    expect(fed).toBe(1);
  });

  it('an event exactly at the limit passes, whole and in any chunking; one byte more fails', () => {
    const limit = 300;
    for (const eol of ['\n', '\r\n', '\r']) {
      const at = eventOfSize(limit, eol);
      const over = eventOfSize(limit + 1, eol);
      const payload = { a: 'x'.repeat(limit - (13 + 1 + 14 + 1)) };
      for (let i = 0; i <= at.length; i++) {
        const r = record();
        const { error } = feedParser(splitAt(at, i), r.listener, limit);
        if (error) expect({ eol, offset: i, error: String(error) }).toBeUndefined();
        expect(r.calls).toEqual([['onUpdate', payload]]);
      }
      for (let size = 1; size <= at.length; size++) {
        const r = record();
        const { error } = feedParser(chunks(at, size), r.listener, limit);
        if (error) expect({ eol, size, error: String(error) }).toBeUndefined();
        expect(r.calls).toEqual([['onUpdate', payload]]);
      }
      for (const size of [1, 7, 64, over.length]) {
        const { error } = feedParser(chunks(over, size), record().listener, limit);
        expect((error as MastodonMalformedEventError).reason).toBe('Event too large');
      }
    }
  });

  it('the limit is per event: many events at the limit in a row pass', () => {
    const one = eventOfSize(200);
    const many = enc(new TextDecoder().decode(one).repeat(50));
    for (const size of [1, 13, 200, 4096]) {
      const r = record();
      const { error } = feedParser(chunks(many, size), r.listener, 200);
      expect(error).toBeUndefined();
      expect(r.calls.length).toBe(50);
    }
  });

  it('heartbeats do not count towards the event', () => {
    const r = record();
    const { error } = feedParser([enc(':' + 'x'.repeat(50) + '\n' + ':thump\n'.repeat(100)), eventOfSize(100)], r.listener, 100);
    expect(error).toBeUndefined();
    expect(r.calls.length).toBe(102);
  });
});

describe('maxEventBytes over HTTP', () => {
  const { start: startServer, keep } = useWireServer();
  let s: TestServer;

  it('Event too large → onAbort, blocking rejects, and the connection is released', async () => {
    s = await startServer();
    const m = new Mastodon({ apiBaseUrl: s.url, accessToken: 'tok-abc123', streamingBaseUrl: s.url });
    const r = record();
    const p = m.streamUser(r.listener, { maxEventBytes: 64 * KiB });
    await s.waitForConns(1);
    await until(() => r.calls.length === 1);
    const big = enc('event: update\ndata: "' + 'x'.repeat(1024 * KiB) + '"\n\n');
    const writing = s.write(big, { chunkSize: 16 * KiB, delayMs: 2 });
    const err = await p.catch((e: unknown) => e);
    expect(err).toBeInstanceOf(MastodonMalformedEventError);
    expect((err as MastodonMalformedEventError).reason).toBe('Event too large');
    expect(r.calls).toEqual([['handleHeartbeat'], ['onAbort', err]]);
    await until(() => s.conns[0]!.closed, { what: 'connection released' });
    await writing;
  });

  it('an async handle with reconnectAsync reconnects after a malformed event', async () => {
    s = await startServer();
    const m = new Mastodon({ apiBaseUrl: s.url, accessToken: 'tok-abc123', streamingBaseUrl: s.url });
    const r = record();
    keep(m.streamUser(r.listener, { runAsync: true, reconnectAsync: true, reconnectAsyncWaitSec: 0.02 }));
    await until(() => r.calls.length === 1);
    await s.write('event: update\ndata: {oops}\n\n');
    await s.waitForConns(2);
    await until(() => r.calls.length === 3);
    expect(r.names()).toEqual(['handleHeartbeat', 'onAbort', 'handleHeartbeat']);
    expect((r.aborts()[0] as MastodonMalformedEventError).reason).toBe('Bad JSON');
    expect((r.aborts()[0] as MastodonMalformedEventError).data).toBe('{oops}');
  });
});
