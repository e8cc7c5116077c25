/**
 * The recorded Mastodon 4.6.4 bodies (shared/vectors), Mastodon.py's own parser cases and the
 * SSE deviations of docs/deviations.md: through the real parser at every split offset, and over HTTP.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { Mastodon, MastodonMalformedEventError } from '../../src/index.js';
import { bytewise, concat, enc, feedParser, norm, record, splitAt, until, useWireServer, type Call } from '../kit/index.js';
import { VECTOR_FILES, VECTOR_MODES, vectorsDir, vectorTestTitles } from '../extras.mjs';

const wire = useWireServer({ greeting: '' });

/** Every offset 0..len: two chunks, the same calls as the whole. */
function expectEverySplit(bytes: Uint8Array, expected: string, methods?: readonly string[]): void {
  for (let i = 0; i <= bytes.length; i++) {
    const r = record(methods);
    feedParser(splitAt(bytes, i), r.listener);
    const got = norm(r.calls);
    if (got !== expected) expect({ offset: i, got }).toEqual({ offset: i, got: expected });
  }
}

function expectAllWays(bytes: Uint8Array, expected: Call[], methods?: readonly string[]): void {
  const want = norm(expected);
  const whole = record(methods);
  feedParser([bytes], whole.listener);
  expect(norm(whole.calls)).toBe(want);
  const bw = record(methods);
  feedParser(bytewise(bytes), bw.listener);
  expect(norm(bw.calls)).toBe(want);
  expectEverySplit(bytes, want, methods);
}

const malformed = (reason: string) => new MastodonMalformedEventError(reason as 'Bad JSON');

const METHOD: Record<string, string> = {
  conversation: 'onConversation',
  update: 'onUpdate',
  notification: 'onNotification',
  'status.update': 'onStatusUpdate',
  delete: 'onDelete',
};

/** The expected calls, read from the file independently of the library (one-line events). */
function expectedCalls(text: string): Call[] {
  const calls: Call[] = [['handleHeartbeat']];
  for (const m of text.matchAll(/^event: (.+)\ndata: (.+)\n\n/gm)) {
    calls.push([METHOD[m[1]!]!, m[1] === 'delete' ? m[2]! : JSON.parse(m[2]!)]);
  }
  return calls;
}

// Registered only when ../shared/vectors is here; otherwise test/run.mjs names each of these
// tests (test/extras.mjs has their titles) and the reason in the summary.
if (existsSync(vectorsDir)) {
  describe('recorded Mastodon 4.6.4 streams', () => {
    const titles: string[] = [];
    const title = (t: string) => (titles.push(t), t);

    for (const [file, { method, names }] of Object.entries(VECTOR_FILES)) {
      const bytes = new Uint8Array(readFileSync(join(vectorsDir, file)));
      const expected = expectedCalls(new TextDecoder().decode(bytes));

      it(title(`${file}: exactly ${names.join(', ')} — whole, byte by byte, split at every offset`), () => {
        expect(expected.map((c) => c[0])).toEqual(names);
        expectAllWays(bytes, expected);
      }, 60_000);

      for (const mode of VECTOR_MODES) {
        it(title(`${file}: replayed over HTTP (${mode}) through ${method}`), async () => {
          const server = await wire.start();
          const m = new Mastodon({ apiBaseUrl: server.url, accessToken: 'tok', streamingBaseUrl: server.url });
          const r = record();
          const h = wire.keep(m[method](r.listener, { runAsync: true, timeoutSec: 10 }));
          await server.waitForConns(1);
          // A marker event after the recording: once it is delivered, everything before it was,
          // so a late extra call (a duplicate, a split event dispatched twice) would be seen. Some
          // recordings end inside a lone ':' line, which the marker's line end completes into
          // one more heartbeat.
          await server.write(concat(bytes, enc('\nevent: marker.end\ndata: {}\n\n')), mode === 'whole' ? {} : { chunkSize: 1 });
          await until(() => r.calls.some((c) => c[0] === 'onUnknownEvent'), { what: 'the marker after the recording' });
          const completed: Call[] = bytes.at(-1) === 0x3a ? [['handleHeartbeat']] : [];
          expect(norm(r.calls)).toBe(norm([...expected, ...completed, ['onUnknownEvent', 'marker.end', {}]]));
          expect(server.streamRequests().map((q) => q.url)).toEqual([method === 'streamUser' ? '/api/v1/streaming/user' : '/api/v1/streaming/direct']);
          h.close();
          await h.done;
        }, 20_000);
      }
    }

    it(title('test_stream_user_direct__user.sse: the 18-digit delete id arrives as the exact string'), () => {
      const bytes = new Uint8Array(readFileSync(join(vectorsDir, 'test_stream_user_direct__user.sse')));
      const r = record();
      feedParser([bytes], r.listener);
      expect(r.calls.filter((c) => c[0] === 'onDelete')).toEqual([['onDelete', '117024236332527350']]);
      const update = r.calls.find((c) => c[0] === 'onUpdate')![1] as { id: unknown };
      expect(update.id).toBe('117024236332527350');
    });

    it('registers exactly the tests test/extras.mjs names (what npm test reports when the vectors are absent)', () => {
      expect(titles).toEqual(vectorTestTitles());
    });
  });
}

describe("Mastodon.py's parser cases", () => {
  const cases: [string, Uint8Array, Call[], string[]?][] = [
    ['two comment lines', enc(':one\n:two\n'), [['handleHeartbeat'], ['handleHeartbeat']]],
    ['heartbeat and blank line', enc(':thump\n\n'), [['handleHeartbeat']]],
    ['update', enc('event: update\ndata: {"foo": "bar"}\n\n'), [['onUpdate', { foo: 'bar' }]]],
    ['notification', enc('event: notification\ndata: {"foo": "bar"}\n\n'), [['onNotification', { foo: 'bar' }]]],
    ['delete', enc('event: delete\ndata: 123\n\n'), [['onDelete', '123']]],
    ['custom method', enc('event: blahblah\ndata: {}\n\n'), [['onBlahblah', {}]], ['onBlahblah', 'onUnknownEvent', 'onAbort']],
    ['unknown event', enc('event: complete.new.event\ndata: {"k": "v"}\n\n'), [['onUnknownEvent', 'complete.new.event', { k: 'v' }]]],
    ['dotted custom method', enc('event: do.something\ndata: {}\n\n'), [['onDoSomething', {}]], ['onDoSomething', 'onUnknownEvent', 'onAbort']],
    ['bad JSON', enc('event: blahblah\ndata: {kjaslkdjalskdjasd asdkjhak ajdasldasd}\n\n'), [['onAbort', malformed('Bad JSON')]]],
    ['data without event', enc('data: {}\n\n'), [['onAbort', malformed('Missing field')]]],
    ['event without data', enc('event: update\n\n'), [['onAbort', malformed('Missing field')]]],
    ['field order', enc('data: {"foo": "bar"}\nevent: update\n\n'), [['onUpdate', { foo: 'bar' }]]],
    ['extra fields', enc('event: update\ndata: {"foo": "bar"}\nid: 123\nretry: 456\nignoreme: blah blah blah\n\n'), [['onUpdate', { foo: 'bar' }]]],
    [
      'multi-byte UTF-8',
      concat(enc('event: update\ndata: {"foo": "'), new Uint8Array([0xe2, 0x98, 0x83, 0xf0, 0x9f, 0x98, 0xb9]), enc('"}\n\n')),
      [['onUpdate', { foo: '\u2603\u{1F639}' }]],
    ],
    [
      'broken UTF-8',
      concat(enc('event: update\ndata: {"foo": "'), new Uint8Array([0xf0, 0x9f, 0x98]), enc('"}\n\n')),
      [['onAbort', malformed('Malformed UTF-8')]],
    ],
    ['multi-line data', enc('event: update\ndata: {"foo":\ndata: "bar"\ndata: }\n\n'), [['onUpdate', { foo: 'bar' }]]],
  ];
  for (const [name, bytes, expected, methods] of cases) {
    it(`${name}: whole, byte by byte, split at every offset`, () => expectAllWays(bytes, expected, methods));
  }

  it('bad JSON carries the offending data; the error is exact', () => {
    const r = record();
    const { error } = feedParser([enc('event: blahblah\ndata: {kjaslkdjalskdjasd asdkjhak ajdasldasd}\n\n')], r.listener);
    expect(error).toBeInstanceOf(MastodonMalformedEventError);
    expect((error as MastodonMalformedEventError).reason).toBe('Bad JSON');
    expect((error as MastodonMalformedEventError).data).toBe('{kjaslkdjalskdjasd asdkjhak ajdasldasd}');
    expect((error as Error).message).toBe('Malformed event: Bad JSON');
  });

  it('the 5 groups in all 120 orders: 1 update, 1 notification, deletes [123], 2 heartbeats, in order', () => {
    const groups: [string, Call][] = [
      ['event: update\ndata: {"foo": "bar"}\n\n', ['onUpdate', { foo: 'bar' }]],
      ['event: notification\ndata: {"foo": "bar"}\n\n', ['onNotification', { foo: 'bar' }]],
      ['event: delete\ndata: 123\n\n', ['onDelete', '123']],
      [':toot toot\n', ['handleHeartbeat']],
      [':beep beep\n', ['handleHeartbeat']],
    ];
    const perms = (xs: number[]): number[][] =>
      xs.length <= 1 ? [xs] : xs.flatMap((x, i) => perms([...xs.slice(0, i), ...xs.slice(i + 1)]).map((p) => [x, ...p]));
    const orders = perms([0, 1, 2, 3, 4]);
    expect(orders.length).toBe(120);
    expect(new Set(orders.map((o) => o.join())).size).toBe(120);
    for (const order of orders) {
      const bytes = enc(order.map((i) => groups[i]![0]).join(''));
      const expected = order.map((i) => groups[i]![1]);
      const whole = record();
      feedParser([bytes], whole.listener);
      expect(whole.calls.filter((c) => c[0] === 'onUpdate').length).toBe(1);
      expect(whole.calls.filter((c) => c[0] === 'onNotification').length).toBe(1);
      expect(whole.calls.filter((c) => c[0] === 'onDelete').map((c) => c[1])).toEqual(['123']);
      expect(whole.calls.filter((c) => c[0] === 'handleHeartbeat').length).toBe(2);
      expect(norm(whole.calls)).toBe(norm(expected));
      expectEverySplit(bytes, norm(expected));
    }
  });
});

describe('SSE deviations (docs/deviations.md): the specification wins', () => {
  const update: Call[] = [['handleHeartbeat'], ['onUpdate', { a: 1 }], ['onDelete', '42']];
  const body = (eol: string, sep = ': ') => enc(`:)${eol}event${sep}update${eol}data${sep}{"a":1}${eol}${eol}event${sep}delete${eol}data${sep}42${eol}${eol}`);

  it('CRLF line ends', () => expectAllWays(body('\r\n'), update));
  it('CR line ends', () => expectAllWays(body('\r'), update));
  it('field:value without a space', () => expectAllWays(body('\n', ':'), update));
  it('only one space after the colon is dropped', () =>
    expectAllWays(enc('event: update\ndata:  {"a":1}\n\n'), [['onUpdate', { a: 1 }]]));
  it('a leading BOM, also split inside the BOM', () => {
    const bytes = concat(new Uint8Array([0xef, 0xbb, 0xbf]), body('\n'));
    expectAllWays(bytes, update);
    for (const cut of [[1], [2], [1, 2], [3]]) {
      const r = record();
      feedParser(splitAt(bytes, ...cut), r.listener);
      expect(norm(r.calls)).toBe(norm(update));
    }
  });
  it('a leading BOM before an event line', () =>
    expectAllWays(concat(new Uint8Array([0xef, 0xbb, 0xbf]), enc('event: update\ndata: {"a":1}\n\n')), [['onUpdate', { a: 1 }]]));
  it('a BOM later in the stream is not dropped (the event name keeps it)', () => {
    const r = record();
    feedParser([concat(enc(':)\n'), new Uint8Array([0xef, 0xbb, 0xbf]), enc('event: update\ndata: {"a":1}\n\n'))], r.listener);
    // The line's field name is "\uFEFFevent", not "event": the block has data but no event.
    expect(norm(r.calls)).toBe(norm([['handleHeartbeat'], ['onAbort', malformed('Missing field')]]));
  });
  it('heartbeat followed by a blank line: one heartbeat, no event, no error (also CRLF and CR)', () => {
    for (const eol of ['\n', '\r\n', '\r']) expectAllWays(enc(`:thump${eol}${eol}`), [['handleHeartbeat']]);
  });
  it('an unterminated last line is never dispatched', () => {
    expectAllWays(enc('event: update\ndata: {"a":1}\n'), []);
    expectAllWays(enc(':'), []);
  });
});
