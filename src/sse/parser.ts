import { MastodonMalformedEventError } from '../errors/MastodonMalformedEventError.js';
import { strictDecoder } from '../platform.js';

/** A complete event: its `event:` name and its `data:` lines joined with `\n`. */
export type SseEvent = (name: string, data: string) => void;

export type SseFeed = (chunk: Uint8Array) => void;

/**
 * Turns response bytes into events. The field handling follows Mastodon's rules, which differ
 * from a browser's EventSource: a comment line is a heartbeat, an event needs both `event:` and
 * `data:`, and malformed UTF-8 is an error rather than U+FFFD.
 *
 * Each chunk is decoded once, by a streaming decoder (JSON.parse needs the string anyway), and
 * its text is cut into lines ended by LF, CR or CRLF. A chunk with malformed UTF-8 anywhere is
 * refused whole, as Mastodon.py refuses any line that is not UTF-8. The decoder drops a byte
 * order mark at the very start of the stream.
 *
 * An event may take at most `maxEventBytes`: the bytes of its lines, one per line end, comments
 * not counted (a byte order mark counts as bytes of the first line). A line's bytes are found
 * in the chunk (the next byte that is its line end, by the native `indexOf`) rather than
 * counted character by character. The bytes of an unfinished line count too, so a line that
 * never ends is refused once it passes the limit, and at most the limit plus one chunk is ever
 * held.
 *
 * A comment line (`:)`, `:thump`: Mastodon's greeting and heartbeat) calls `onHeartbeat`.
 *
 * `feed` throws `MastodonMalformedEventError`; after that the parser is spent.
 */
export function createSseParser(onEvent: SseEvent, onHeartbeat: () => void, maxEventBytes: number): SseFeed {
  const decoder = strictDecoder();
  let name: string | undefined; // the `event:` value of the block being read
  let data: string | undefined; // its `data:` lines so far
  let eventBytes = 0; // bytes of the complete lines of the block being read
  let rest = ''; // the unfinished line
  // Where the unfinished line starts in the bytes of the chunk being read: 0 or less (it began
  // in earlier chunks: its bytes so far are -at), or 1 after a LF that ended a CRLF.
  let at = 0;
  let afterCR = false; // the text so far ends with a CR: a LF that starts the next is its CRLF's

  return (chunk) => {
    let text: string;
    try {
      text = decoder.decode(chunk, { stream: true });
    } catch (cause) {
      throw new MastodonMalformedEventError('Malformed UTF-8', undefined, { cause });
    }
    // Lines and their line ends, alternately; the last item is the unfinished line.
    const parts = text.split(/(\r\n?|\n)/);
    const last = parts.length - 1;
    // A LF that ends a CRLF cut between chunks comes first here, as the end of an empty line
    // (nothing is held after a line end): it is skipped.
    let i = afterCR && text[0] == '\n' ? (at++, 2) : 0;
    if (text) afterCR = text.at(-1) == '\r';
    for (; i < last; i++) {
      const line = rest + parts[i];
      const eol = parts[++i]!;
      const end = chunk.indexOf(eol.charCodeAt(0), at > 0 ? at : 0);
      const bytes = end - at + 1;
      at = end + eol.length;
      rest = '';
      if (!line) {
        // Blank line: the end of a block. A block with neither field (after a comment) is no
        // event; a block with only one of the two is malformed, as in Mastodon.py.
        if ((name ?? data) !== undefined) {
          if (!name || data === undefined) throw new MastodonMalformedEventError('Missing field', data);
          onEvent(name, data);
        }
        name = data = undefined;
        eventBytes = 0;
      } else if (line[0] == ':') {
        // Comments are handled and forgotten, so they do not count towards the block's size.
        onHeartbeat();
      } else {
        if ((eventBytes += bytes) > maxEventBytes) throw new MastodonMalformedEventError('Event too large');
        // Only `data` and `event` matter: a line without a colon is a field name with an empty
        // value (SSE specification); the value starts after the colon and one optional space.
        // Any other field (`id:`, `retry:`, unknown ones) is ignored: Mastodon sends none.
        const field = /^(data|event)(: ?|$)/.exec(line)?.[0].length;
        if (field) {
          const value = line.slice(field);
          if (line[0] == 'd') data = data === undefined ? value : data + '\n' + value;
          else name = value;
        }
      }
    }
    rest += parts[last];
    // The unfinished line's bytes count towards the block as they come.
    if (eventBytes - (at -= chunk.length) > maxEventBytes) throw new MastodonMalformedEventError('Event too large');
  };
}
