import { MastodonMalformedEventError } from '../errors/MastodonMalformedEventError.js';
import { strictDecoder } from '../platform.js';

/** Where parsed SSE blocks go. */
export interface SseSink {
  /** A complete event: its `event:` name and its `data:` lines joined with `\n`. */
  event(name: string, data: string): void;
  /** A comment line (`:)`, `:thump`): Mastodon's greeting and heartbeat. */
  heartbeat(): void;
}

export type SseFeed = (chunk: Uint8Array) => void;

/** A line splitter: takes a chunk, reports its complete lines, returns the bytes it still holds. */
export type LineFeed = (chunk: Uint8Array) => number;

// Field names compared as bytes, so that no string is made for the name of a field.
const D = 100, A = 97, T = 116, E = 101, V = 118, N = 110, SPACE = 32, LF = 10, CR = 13, COLON = 58;

/**
 * Splits bytes into lines ended by LF, CR or CRLF, across chunk boundaries, and reports each
 * line with the index of its first colon (-1 for none): the contract of `getLines` from
 * @microsoft/fetch-event-source, which test/parser.reference.test.ts checks this against, chunk
 * by chunk. Unlike `getLines`, which looks at every byte in JavaScript (on 2 KB events that
 * loop cost about as much as JSON.parse), line ends are found with the native `indexOf`, and an
 * unfinished line is held as the pieces it came in and joined once, when it ends (so a huge line
 * costs O(n), not a copy per chunk). Returns how many bytes of an unfinished line it holds.
 */
export function splitLines(onLine: (line: Uint8Array, fieldLength: number) => void): LineFeed {
  let parts: Uint8Array[] = []; // the unfinished line, as the pieces it came in
  let held = 0; // their bytes
  let afterCR = false; // the last chunk ended with a CR: a LF that starts the next is its CRLF's
  return (chunk) => {
    const size = chunk.length;
    let pos = 0;
    if (afterCR && size) {
      afterCR = false;
      if (chunk[0] === LF) pos = 1;
    }
    // The next LF and CR at or after `pos` (`size`: none). Each is searched again only once
    // `pos` has passed it, so a chunk is scanned about once per kind; Mastodon sends no CR, so
    // there the CR search is one native scan of the chunk.
    let lf = -1, cr = -1;
    for (;;) {
      if (lf < pos && (lf = chunk.indexOf(LF, pos)) < 0) lf = size;
      if (cr < pos && (cr = chunk.indexOf(CR, pos)) < 0) cr = size;
      const end = lf < cr ? lf : cr;
      if (end === size) break;
      let line = chunk.subarray(pos, end);
      if (held) {
        // The line began in earlier chunks: join the pieces, once.
        const whole = new Uint8Array(held + line.length);
        let at = 0;
        for (const p of parts) {
          whole.set(p, at);
          at += p.length;
        }
        whole.set(line, at);
        line = whole;
        parts = [];
        held = 0;
      }
      pos = end + 1;
      if (end === cr) {
        if (pos === size) afterCR = true;
        else if (chunk[pos] === LF) pos++;
      }
      onLine(line, line.indexOf(COLON));
    }
    if (pos < size) {
      parts.push(chunk.subarray(pos));
      held += size - pos;
    }
    return held;
  };
}

/**
 * Turns response bytes into events. The field handling follows Mastodon's rules, which differ
 * from a browser's EventSource: a comment line is a heartbeat, an event needs both `event:` and
 * `data:`, and malformed UTF-8 is an error rather than U+FFFD.
 *
 * An event may take at most `maxEventBytes`: the bytes of its lines, one per line end, comments
 * not counted. The bytes of an unfinished line count too, so a line that never ends is refused
 * once it passes the limit, and at most the limit plus one chunk is ever held.
 *
 * `feed` throws `MastodonMalformedEventError`; after that the parser is spent.
 */
export function createSseParser(sink: SseSink, maxEventBytes: number): SseFeed {
  const decoder = strictDecoder();
  let name: string | undefined; // the `event:` value of the block being read
  let data: string | undefined; // its `data:` lines so far
  let eventBytes = 0; // bytes of the complete lines of the block being read
  let firstLine = true;

  const decode = (bytes: Uint8Array, what?: string): string => {
    try {
      return decoder.decode(bytes);
    } catch (cause) {
      throw new MastodonMalformedEventError('Malformed UTF-8', what, { cause });
    }
  };

  const push = splitLines((line, fieldLength) => {
    if (firstLine) {
      firstLine = false;
      // A byte order mark is allowed once, at the very start of the stream.
      if (line[0] === 0xef && line[1] === 0xbb && line[2] === 0xbf) {
        line = line.subarray(3);
        if (fieldLength > 0) fieldLength -= 3;
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
      if (!n || d === undefined) throw new MastodonMalformedEventError('Missing field', d);
      sink.event(n, d);
      return;
    }
    if (fieldLength === 0) {
      // Comments are handled and forgotten, so they do not count towards the block's size.
      sink.heartbeat();
      return;
    }
    if ((eventBytes += len + 1) > maxEventBytes) throw new MastodonMalformedEventError('Event too large');
    // A line without a colon is a field name with an empty value (SSE specification).
    const fl = fieldLength < 0 ? len : fieldLength;
    // The value starts after the colon and one optional space (past the end: empty, decoded as '').
    const vo = fl + (line[fl + 1] === SPACE ? 2 : 1);
    if (fl === 4 && line[0] === D && line[1] === A && line[2] === T && line[3] === A) {
      const value = decode(line.subarray(vo), name);
      data = data === undefined ? value : data + '\n' + value;
    } else if (fl === 5 && line[0] === E && line[1] === V && line[2] === E && line[3] === N && line[4] === T) {
      name = decode(line.subarray(vo));
    }
    // Any other field (`id:`, `retry:`, unknown ones) is ignored: Mastodon sends none.
  });

  return (chunk) => {
    // push() first: it moves eventBytes (operands are read left to right).
    if (push(chunk) + eventBytes > maxEventBytes) throw new MastodonMalformedEventError('Event too large');
  };
}
