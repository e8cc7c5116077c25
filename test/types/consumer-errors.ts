// Mistakes the types must reject. `tsc` passes only if every line after a
// `@ts-expect-error` really is an error (an unused @ts-expect-error is itself an error), and
// consumer.ts proves the correctly spelled versions of the same calls compile.
// package-quality.test.ts also compiles this file with the directives removed and checks that
// each error is the intended one: its message must mention the text after "must mention:".
import { CallbackStreamListener, Mastodon } from 'mastodon-streaming';

const mastodon = new Mastodon({ apiBaseUrl: 'https://mastodon.example', accessToken: 't' });

// A misspelled handler name in CallbackStreamListener.
// @ts-expect-error must mention: updateHandlr
void new CallbackStreamListener({ updateHandlr: () => {} });

// A misspelled option.
// @ts-expect-error must mention: runAsnyc
void mastodon.streamUser({}, { runAsnyc: true });

// onUpdate receives a Status, not a number.
// @ts-expect-error must mention: number
void mastodon.streamUser({ onUpdate(s: number) { void s; } }, { runAsync: true });

// Delete ids are strings (they exceed 2^53), never numbers.
// @ts-expect-error must mention: number
void mastodon.streamUser({ onDelete(id: number) { void id; } }, { runAsync: true });

// The hashtag is required.
// @ts-expect-error must mention: undefined
void mastodon.streamHashtag(undefined, {}, { runAsync: true });
