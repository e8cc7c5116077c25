// The SSE parser against references: its line splitter (splitLines) against getLines from
// @microsoft/fetch-event-source on any bytes cut anywhere (the same lines from the same chunk),
// and the parser against the one this library had on getLines (test/reference/): the same sink
// calls and the same errors at the same chunk, including where maxEventBytes refuses an event.
import { getLines } from '@microsoft/fetch-event-source/lib/esm/parse.js';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { MastodonMalformedEventError } from '../src/errors/MastodonMalformedEventError.js';
import { createSseParser, splitLines } from '../src/sse/parser.js';
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

type Splitter = (onLine: (line: Uint8Array, fieldLength: number) => void) => (chunk: Uint8Array) => unknown;
type Parser = typeof createSseParser;

/** The lines each chunk produced, copied (line bytes and field length). */
const linesPerChunk = (split: Splitter, chunks: Uint8Array[]): Array<Array<[number[], number]>> => {
  const out: Array<Array<[number[], number]>> = [];
  let current: Array<[number[], number]> = [];
  const feed = split((line, fieldLength) => current.push([Array.from(line), fieldLength]));
  for (const c of chunks) {
    current = [];
    feed(c);
    out.push(current);
  }
  return out;
};

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

// Bytes that matter to a line splitter and to the parser, and some that do not.
const byteArb = fc.oneof(
  { weight: 4, arbitrary: fc.constantFrom(10, 13, 58, 32) },
  { weight: 4, arbitrary: fc.constantFrom(...bytes('dataevnt')) },
  { weight: 1, arbitrary: fc.constantFrom(0xef, 0xbb, 0xbf, 0xc3, 0xa9, 0xff) },
  { weight: 2, arbitrary: fc.integer({ min: 0, max: 255 }) },
);
const rawArb = fc.array(byteArb, { maxLength: 300 }).map((a) => Uint8Array.from(a));
const cutsArb = fc.array(fc.nat(), { maxLength: 12 });

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

describe('splitLines against getLines', () => {
  it.each([
    ['any bytes', rawArb],
    ['SSE streams with LF, CR and CRLF and a BOM', streamArb],
  ])('reports the same lines for every chunk of %s, cut anywhere', (_, arb) => {
    fc.assert(
      fc.property(arb, cutsArb, (all, at) => {
        const chunks = cut(all, at);
        expect(linesPerChunk(splitLines, chunks)).toEqual(linesPerChunk(getLines, chunks));
      }),
      { numRuns: 3000 },
    );
  });

  it('reports exactly the bytes of the unfinished line it holds after each chunk', () => {
    fc.assert(
      fc.property(rawArb, cutsArb, (all, at) => {
        const feed = splitLines(() => {});
        let seen = 0;
        for (const c of cut(all, at)) {
          seen += c.length;
          const sofar = all.subarray(0, seen);
          expect(feed(c)).toBe(seen - 1 - Math.max(sofar.lastIndexOf(10), sofar.lastIndexOf(13)));
        }
      }),
      { numRuns: 2000 },
    );
  });

  it('splits a CRLF pair cut between two chunks, and a CR alone, as getLines does', () => {
    const chunks = [bytes('data: a\r'), bytes('\ndata: b\r'), bytes('x:y\n\n')];
    const expected = [
      [[Array.from(bytes('data: a')), 4]],
      [[Array.from(bytes('data: b')), 4]],
      [[Array.from(bytes('x:y')), 1], [[], -1]],
    ];
    expect(linesPerChunk(splitLines, chunks)).toEqual(expected);
    expect(linesPerChunk(getLines, chunks)).toEqual(expected);
  });
});

describe('createSseParser against the getLines-based reference parser', () => {
  it('makes the same sink calls and throws the same errors, chunk by chunk', () => {
    fc.assert(
      fc.property(streamArb, cutsArb, fc.integer({ min: 1, max: 400 }), (all, at, maxEventBytes) => {
        const chunks = cut(all, at);
        expect(parse(createSseParser, chunks, maxEventBytes)).toEqual(parse(referenceParser, chunks, maxEventBytes));
      }),
      { numRuns: 3000 },
    );
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
        const got = parse(createSseParser, cut(bytes(text), at), 1 << 20);
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
      const fast = parse(createSseParser, chunks, 64);
      expect(fast).toEqual(parse(referenceParser, chunks, 64));
      expect(fast.error).toMatchObject({ name: 'MastodonMalformedEventError', message: 'Malformed event: Event too large', reason: 'Event too large' });
    }
  });
});
