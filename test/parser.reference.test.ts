// The SSE parser against the one this library had on getLines from @microsoft/fetch-event-source
// (test/reference/), on streams and on any text cut anywhere: the same sink calls from the same
// chunk and the same errors at the same chunk, including where maxEventBytes refuses an event
// (counted in bytes: multi-byte text, a BOM, CRLF). One difference, by design: the parser decodes
// each chunk once, so a chunk with malformed UTF-8 is refused whole, wherever the bad bytes lie
// (the reference decoded only `data:` and `event:` values, once their line had ended); before
// that chunk the two agree.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { MastodonMalformedEventError } from '../src/errors/MastodonMalformedEventError.js';
import { createSseParser } from '../src/sse/parser.js';
import { concat, enc as bytes } from './kit/index.js';
import { createSseParser as referenceParser } from './reference/getlines-parser.js';

/** Cuts `all` at the given offsets (any order, duplicates allowed: empty chunks too). */
const cut = (all: Uint8Array, at: number[]): Uint8Array[] => {
  const points = [...at.map((p) => p % (all.length + 1)), all.length].sort((a, b) => a - b);
  const chunks: Uint8Array[] = [];
  let prev = 0;
  for (const p of points) {
    chunks.push(all.subarray(prev, p));
    prev = p;
  }
  return chunks;
};

type Parser = typeof referenceParser;
/** The parser under test, behind the reference's sink interface. */
const ours: Parser = (sink, maxEventBytes) => createSseParser((n, d) => sink.event(n, d), () => sink.heartbeat(), maxEventBytes);

type Call = ['event', string, string] | ['heartbeat'];
interface Outcome {
  calls: Call[][];
  error?: { at: number; name: string; message: string; reason: string; data: string | undefined };
}

/** Feeds the chunks to a parser; records the sink calls per chunk and the error. */
const parse = (parser: Parser, chunks: Uint8Array[], maxEventBytes: number): Outcome => {
  const calls: Call[][] = [];
  let current: Call[] = [];
  const feed = parser({ event: (n, d) => current.push(['event', n, d]), heartbeat: () => current.push(['heartbeat']) }, maxEventBytes);
  for (let i = 0; i < chunks.length; i++) {
    current = [];
    calls.push(current);
    try {
      feed(chunks[i]!);
    } catch (err) {
      if (!(err instanceof MastodonMalformedEventError)) throw err;
      return { calls, error: { at: i, name: err.name, message: err.message, reason: err.reason, data: err.data } };
    }
  }
  return { calls };
};

/** The first chunk a strict streaming UTF-8 decoder refuses (chunks.length: none). */
const firstMalformed = (chunks: Uint8Array[]): number => {
  const decoder = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });
  for (let i = 0; i < chunks.length; i++) {
    try {
      decoder.decode(chunks[i], { stream: true });
    } catch {
      return i;
    }
  }
  return chunks.length;
};

/**
 * What the parser must do: what the reference does with the chunks before the first one that is
 * not UTF-8 (an error there included); then, at that chunk, no call and `Malformed UTF-8`.
 */
const expected = (chunks: Uint8Array[], maxEventBytes: number): Outcome => {
  const bad = firstMalformed(chunks);
  const before = parse(referenceParser, chunks.slice(0, bad), maxEventBytes);
  if (before.error || bad === chunks.length) return before;
  const reason = 'Malformed UTF-8';
  return { calls: [...before.calls, []], error: { at: bad, name: 'MastodonMalformedEventError', message: `Malformed event: ${reason}`, reason, data: undefined } };
};

// Bytes that matter to a line splitter and to the parser, and some that do not.
const byteArb = fc.oneof(
  { weight: 4, arbitrary: fc.constantFrom(10, 13, 58, 32) },
  { weight: 4, arbitrary: fc.constantFrom(...bytes('dataevnt')) },
  { weight: 1, arbitrary: fc.constantFrom(0xef, 0xbb, 0xbf, 0xc3, 0xa9, 0xff) },
  { weight: 2, arbitrary: fc.integer({ min: 0, max: 255 }) },
);
const rawArb = fc.array(byteArb, { maxLength: 300 }).map((a) => Uint8Array.from(a));
const cutsArb = fc.array(fc.nat(), { maxLength: 12 });

// Any text (valid UTF-8) from pieces that matter to the parser: line ends, colons, spaces, field
// names' letters, a BOM, multi-byte characters (their bytes count towards maxEventBytes).
const textArb = fc
  .array(fc.constantFrom('\n', '\r', ':', ' ', 'd', 'a', 't', 'e', 'v', 'n', 'data:', 'event: ', 'é', '€', '🐘', '\uFEFF', 'x'), { maxLength: 150 })
  .map((a) => bytes(a.join('')));

// Streams shaped like Mastodon's, with every line ending, comments, a BOM, fields the parser
// ignores, lines without a colon, blank lines, multi-byte text and sometimes bad UTF-8.
const EOL = ['\n', '\r', '\r\n'];
const lineArb = fc.oneof(
  fc.tuple(fc.constantFrom('event', 'data', 'id', 'retry', 'x'), fc.constantFrom(':', ': ', ':  '), fc.string({ maxLength: 30 })).map(([f, c, v]) => f + c + v),
  fc.constantFrom(':)', ':thump', '', 'data', 'event', 'data:', 'event: update', 'data: {"id":"1"}', 'data: ünïcödé 🐘'),
);
const streamArb = fc
  .tuple(
    fc.boolean(),
    fc.array(fc.tuple(lineArb, fc.constantFrom(...EOL)), { maxLength: 40 }),
    fc.option(fc.nat(), { nil: undefined }),
  )
  .map(([bom, lines, bad]) => {
    const all = bytes((bom ? '\uFEFF' : '') + lines.map(([l, e]) => l + e).join(''));
    if (bad !== undefined && all.length > 0) all[bad % all.length] = 0xff; // not UTF-8
    return all;
  });

describe('createSseParser against the getLines-based reference parser', () => {
  it.each([
    ['SSE streams with LF, CR and CRLF, a BOM and sometimes a byte that is not UTF-8', streamArb, 400],
    ['any text', textArb, 200],
    ['any bytes', rawArb, 200],
  ])('makes the same sink calls and throws the same errors, chunk by chunk, on %s cut anywhere', (_, arb, maxLimit) => {
    fc.assert(
      fc.property(arb, cutsArb, fc.integer({ min: 1, max: maxLimit }), (all, at, maxEventBytes) => {
        const chunks = cut(all, at);
        expect(parse(ours, chunks, maxEventBytes)).toEqual(expected(chunks, maxEventBytes));
      }),
      { numRuns: 3000 },
    );
  });

  it('on valid UTF-8 that is the reference exactly: a CRLF cut between chunks, a CR alone, a CR then LF in the next chunk', () => {
    const chunks = [bytes('event: x\r'), bytes('\ndata: 1\r'), bytes('\r'), bytes('\n:c\r'), bytes('\n'), bytes('event:y\rdata:\r\r')];
    const want: Outcome = { calls: [[], [], [['event', 'x', '1']], [['heartbeat']], [], [['event', 'y', '']]] };
    expect(parse(ours, chunks, 100)).toEqual(want);
    expect(parse(referenceParser, chunks, 100)).toEqual(want);
  });

  it('a byte order mark is dropped at the very start only, even cut between chunks, and counts as bytes of the first line', () => {
    const bom = bytes('\uFEFF');
    // After the start, U+FEFF is a character: it begins a value, and a field name it begins is none we know.
    const text = bytes('event: a\ndata: \uFEFFx\n\n\uFEFFdata\nevent:b\ndata:\n\n');
    const want: Outcome = { calls: [[], [], [['event', 'a', '\uFEFFx'], ['event', 'b', '']]] };
    const chunks = [bom.subarray(0, 1), bom.subarray(1), text];
    expect(parse(ours, chunks, 100)).toEqual(want);
    expect(parse(referenceParser, chunks, 100)).toEqual(want);
    // `event: a` + LF is 9 bytes, 12 with the mark; `data: \uFEFFx` + LF is 11; the second
    // event is 8 + 8 + 6 bytes.
    expect(parse(ours, chunks, 23)).toEqual(want);
    expect(parse(ours, chunks, 22).error).toMatchObject({ at: 2, reason: 'Event too large' });
    expect(parse(ours, [text], 22)).toEqual({ calls: [[['event', 'a', '\uFEFFx'], ['event', 'b', '']]] });
    expect(parse(ours, [text], 21).error).toMatchObject({ at: 0, reason: 'Event too large' });
  });

  it('a chunk with malformed UTF-8 is refused whole: no call from it, even for an event before the bad byte or a bad byte in a comment', () => {
    const malformed = { name: 'MastodonMalformedEventError', message: 'Malformed event: Malformed UTF-8', reason: 'Malformed UTF-8', data: undefined };
    const bad = new Uint8Array([0xff]);
    // In a comment (the reference ignored it: it decoded only `data:` and `event:` values).
    expect(parse(ours, [bytes(':)\n'), concat(bytes(':'), bad, bytes('\n'))], 100)).toEqual({ calls: [[['heartbeat']], []], error: { at: 1, ...malformed } });
    // After a complete event in the same chunk, in a line that has not ended yet.
    const chunks = [bytes('event: a\ndata: 1\n\n'), concat(bytes('event: b\ndata: 2\n\ndata: '), bad)];
    expect(parse(ours, chunks, 100)).toEqual({ calls: [[['event', 'a', '1']], []], error: { at: 1, ...malformed } });
    // A character cut between chunks is no error; one that a chunk does not complete is.
    const cutElephant = [bytes('event: a\ndata: \u{1F418}'.slice(0, -2)), new Uint8Array([0xf0, 0x9f]), new Uint8Array([0x90, 0x98]), bytes('\n\n')];
    expect(parse(ours, cutElephant, 100)).toEqual({ calls: [[], [], [], [['event', 'a', '\u{1F418}']]] });
    expect(parse(ours, [bytes('event: a\ndata: '), new Uint8Array([0xf0, 0x9f]), bytes('\n\n')], 100)).toEqual({ calls: [[], [], []], error: { at: 2, ...malformed } });
  });

  it('delivers exactly the events sent, whatever the line ends and cuts', () => {
    const eventArb = fc.tuple(fc.constantFrom('update', 'delete', 'status.update', 'notification'), fc.array(fc.string({ maxLength: 20 }).filter((s) => !/[\r\n]/.test(s)), { minLength: 1, maxLength: 3 }));
    fc.assert(
      fc.property(fc.boolean(), fc.array(fc.tuple(eventArb, fc.constantFrom(...EOL), fc.boolean()), { maxLength: 15 }), cutsArb, (bom, events, at) => {
        let text = bom ? '\uFEFF:)\n' : ':)\n';
        const expected: Call[] = [['heartbeat']];
        for (const [[name, data], eol, thump] of events) {
          text += `event: ${name}${eol}` + data.map((d) => `data: ${d}${eol}`).join('') + eol;
          expected.push(['event', name, data.join('\n')]);
          if (thump) {
            text += `:thump${eol}`;
            expected.push(['heartbeat']);
          }
        }
        const got = parse(ours, cut(bytes(text), at), 1 << 20);
        expect(got.error).toBeUndefined();
        expect(got.calls.flat()).toEqual(expected);
      }),
      { numRuns: 2000 },
    );
  });

  it('refuses an event over maxEventBytes at the same chunk as the reference', () => {
    const all = concat(bytes('event: update\ndata: '), bytes('x'.repeat(100)), bytes('\n\n'));
    for (let at = 0; at <= all.length; at++) {
      const chunks = cut(all, [at]);
      const fast = parse(ours, chunks, 64);
      expect(fast).toEqual(parse(referenceParser, chunks, 64));
      expect(fast.error).toMatchObject({ name: 'MastodonMalformedEventError', message: 'Malformed event: Event too large', reason: 'Event too large' });
    }
  });
});
