// Mistakes the types must reject. `tsc` passes only if every line after a
// `@ts-expect-error` really is an error (an unused @ts-expect-error is itself an error), and
// consumer.ts proves the correctly spelled versions of the same calls compile.
import { CallbackStreamListener, Mastodon } from 'mastodon-streaming';

const mastodon = new Mastodon({ apiBaseUrl: 'https://mastodon.example', accessToken: 't' });

// A misspelled handler name in CallbackStreamListener.
// @ts-expect-error updateHandlr is not a handler (updateHandler is)
CallbackStreamListener({ updateHandlr: () => {} });

// A misspelled option.
// @ts-expect-error runAsnyc is not an option (runAsync is)
void mastodon.streamUser({}, { runAsnyc: true });

// onUpdate receives a Status, not a number.
// @ts-expect-error the handler's parameter type does not match Status
void mastodon.streamUser({ onUpdate(s: number) { void s; } }, { runAsync: true });

// Delete ids are strings (they exceed 2^53), never numbers.
// @ts-expect-error onDelete receives a string
void mastodon.streamUser({ onDelete(id: number) { void id; } }, { runAsync: true });

// A leading # or wrong type is caught at run time; a missing tag at compile time.
// @ts-expect-error streamHashtag needs the tag
void mastodon.streamHashtag(undefined, {}, { runAsync: true });
