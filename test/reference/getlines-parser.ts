// The SSE parser as it was up to 0.1.0, on @microsoft/fetch-event-source's getLines: kept as
// the reference that src/sse/parser.ts (smaller and faster) is checked against by
// test/parser.reference.test.ts, with one change: a byte order mark counts as bytes of the first
// line. Test code only; never bundled.
import { getLines } from '@microsoft/fetch-event-source/lib/esm/parse.js';
import { MastodonMalformedEventError } from '../../src/errors/MastodonMalformedEventError.js';

/** Where parsed SSE blocks go. */
export interface SseSink {
  /** A complete event: its `event:` name and its `data:` lines joined with `\n`. */
  event(name: string, data: string): void;
  /** A comment line (`:)`, `:thump`): Mastodon's greeting and heartbeat. */
  heartbeat(): void;
}

export type SseFeed = (chunk: Uint8Array) => void;

// Field names compared as bytes, so that no string is made for the name of a field.
const D = 100, A = 97, T = 116, E = 101, V = 118, N = 110, SPACE = 32, LF = 10, CR = 13, COLON = 58;

/**
 * Turns response bytes into events, on top of `getLines` from @microsoft/fetch-event-source
 * (which splits lines on CR, LF and CRLF across chunk boundaries and reports where the first
 * colon is). The field handling is ours, because Mastodon's rules differ from a browser's
 * EventSource: a comment line is a heartbeat, an event needs both `event:` and `data:`, and
 * malformed UTF-8 is an error rather than U+FFFD.
 *
 * `feed` throws `MastodonMalformedEventError`; after that the parser is spent. `split` is the
 * line splitter: `fastLines`, or `getLines` itself (the reference the tests compare against).
 */
export function createSseParser(sink: SseSink, maxEventBytes: number, split: typeof getLines = getLines): SseFeed {
  const decoder = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });
  let name: string | undefined; // the `event:` value of the block being read
  let data: string | undefined; // its `data:` lines so far
  let eventBytes = 0; // bytes of the complete lines of the block being read
  let firstLine = true;
  // The bytes after the last line end seen (the line getLines is holding): an upper bound on
  // the fast path, made exact when the size check needs it. `endChunk` is the last chunk that
  // held a line end and `since` the bytes of the chunks after it, so the exact value is
  // `endChunk`'s bytes after its last line end plus `since`.
  let tail = 0;
  let endChunk: Uint8Array | undefined;
  let since = 0;
  let sawLine = false;

  const decode = (bytes: Uint8Array, what: string | undefined): string => {
    try {
      return decoder.decode(bytes);
    } catch (cause) {
      throw new MastodonMalformedEventError('Malformed UTF-8', what, { cause });
    }
  };

  const onLine = (line: Uint8Array, fieldLength: number): void => {
    sawLine = true;
    let bom = 0; // the bytes of a byte order mark before this line
    if (firstLine) {
      firstLine = false;
      // A byte order mark is allowed once, at the very start of the stream.
      if (line.length >= 3 && line[0] === 0xef && line[1] === 0xbb && line[2] === 0xbf) {
        line = line.subarray(3);
        if (fieldLength >= 0) fieldLength -= 3;
        bom = 3;
      }
    }
    const len = line.length;
    if (len === 0) {
      // Blank line: the end of a block. A block with neither field (after a comment) is no
      // event; a block with only one of the two is malformed, as in Mastodon.py.
      eventBytes = 0;
      if (name === undefined && data === undefined) return;
      const n = name, d = data;
      name = data = undefined;
      if (n === undefined || d === undefined || n === '') throw new MastodonMalformedEventError('Missing field', d);
      sink.event(n, d);
      return;
    }
    if (fieldLength === 0) {
      // Comments are handled and forgotten, so they do not count towards the block's size.
      sink.heartbeat();
      return;
    }
    // A byte order mark counts as bytes of the first line, as in src/sse/parser.ts (whose
    // decoder drops it); this parser, up to 0.1.0, did not count it once the line had ended.
    eventBytes += len + 1 + bom;
    if (eventBytes > maxEventBytes) throw new MastodonMalformedEventError('Event too large');
    // A line without a colon is a field name with an empty value (SSE specification).
    const fl = fieldLength < 0 ? len : fieldLength;
    // The value starts after the colon and one optional space.
    const vo = fl + (line[fl + 1] === SPACE ? 2 : 1);
    if (fl === 4 && line[0] === D && line[1] === A && line[2] === T && line[3] === A) {
      const value = vo >= len ? '' : decode(line.subarray(vo), name);
      data = data === undefined ? value : data + '\n' + value;
    } else if (fl === 5 && line[0] === E && line[1] === V && line[2] === E && line[3] === N && line[4] === T) {
      name = vo >= len ? '' : decode(line.subarray(vo), undefined);
    }
    // Any other field (`id:`, `retry:`, unknown ones) is ignored: Mastodon sends none.
  };

  const push = split(onLine);

  const lastEnd = (c: Uint8Array): number => Math.max(c.lastIndexOf(LF), c.lastIndexOf(CR));

  return (chunk: Uint8Array): void => {
    const size = chunk.length;
    if (size === 0) return;
    // Size guard, cheap on the common path: only when the block so far plus everything that
    // may still be unterminated could exceed the limit do we work out the exact pending bytes.
    // A chunk with no line end that would take the block past the limit is refused before
    // getLines buffers it, so memory stays within maxEventBytes plus one chunk.
    if (eventBytes + tail + size > maxEventBytes) {
      if (endChunk) tail = endChunk.length - 1 - lastEnd(endChunk) + since;
      endChunk = undefined;
      const end = lastEnd(chunk);
      if (end < 0) {
        if (eventBytes + tail + size > maxEventBytes) throw new MastodonMalformedEventError('Event too large');
        push(chunk);
        tail += size;
        return;
      }
      push(chunk);
      tail = size - 1 - end;
      if (eventBytes + tail > maxEventBytes) throw new MastodonMalformedEventError('Event too large');
      return;
    }
    sawLine = false;
    push(chunk);
    // A line ended inside this chunk (or the chunk starts with the LF of a CRLF): at most its
    // bytes are pending. Otherwise the pending line grew by the whole chunk.
    if (sawLine || chunk[0] === LF) {
      tail = size;
      endChunk = chunk;
      since = 0;
    } else {
      tail += size;
      since += size;
    }
  };
}
