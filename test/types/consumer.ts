// What a TypeScript user writes must compile, and the types must be precise (not `any`):
// each `const x: T = …` line below fails if the library's types are wrong or too loose.
import {
  CallbackStreamListener,
  Mastodon,
  MastodonError,
  MastodonNetworkError,
  StreamListener,
} from 'mastodon-streaming';

const mastodon = new Mastodon({ apiBaseUrl: 'https://mastodon.example', accessToken: 't' });

// onUpdate receives a Status: `account.acct` is a string.
const handle = mastodon.streamUser(
  {
    onUpdate(status) {
      const acct: string = status.account.acct;
      const id: string = status.id;
      void acct, id;
    },
    onNotification(notification) {
      const type: string = notification.type;
      void type;
    },
    onDelete(statusId) {
      const id: string = statusId;
      void id;
    },
    handleHeartbeat() {},
    onAbort(err) {
      const e: Error = err;
      void e;
    },
  },
  { runAsync: true, reconnectAsync: true, reconnectAsyncWaitSec: 0.05, timeoutSec: 5 },
);

// runAsync: true returns the handle at once …
const alive: boolean = handle.isAlive();
const receiving: boolean = handle.isReceiving();
const done: Promise<void> = handle.done;
handle.close();
void alive, receiving, done;

// … without it, a promise.
const blocking: Promise<void> = mastodon.streamUser({});
void blocking;

// Subclassing StreamListener.
class Printer extends StreamListener {
  override onUpdate(status: Parameters<NonNullable<StreamListener['onUpdate']>>[0]): void {
    const acct: string = status.account.acct;
    void acct;
  }
}
void mastodon.streamPublic(new Printer(), { local: true, runAsync: true });
void mastodon.streamHashtag('cats', new Printer(), { runAsync: true });

// Mastodon.py's keyword arguments, camelCased.
const callbacks = new CallbackStreamListener({
  updateHandler(status) {
    const acct: string = status.account.acct;
    void acct;
  },
  deleteHandler(id) {
    const s: string = id;
    void s;
  },
});
void mastodon.streamUser(callbacks, { runAsync: true });

// Async iteration: a union discriminated on `event`.
async function iterate(): Promise<void> {
  for await (const e of mastodon.stream('user')) {
    if (e.event === 'update') {
      const acct: string = e.payload.account.acct;
      void acct;
    } else if (e.event === 'delete') {
      const id: string = e.payload;
      void id;
    }
    break;
  }
}
void iterate;

// Errors.
const err = new MastodonNetworkError('x');
const base: MastodonError = err;
const healthy: Promise<boolean> = mastodon.streamHealthy();
void base, healthy;
