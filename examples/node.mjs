// Node ≥ 20.19: your home timeline and notifications over Server-Sent Events.
//   MASTODON_URL=https://mastodon.example MASTODON_TOKEN=… node examples/node.mjs
// Ctrl-C closes the stream and the process exits.
import { Mastodon, StreamListener } from 'mastodon-streaming';

class Printer extends StreamListener {
  onUpdate(status) {
    console.log(`update ${status.id} @${status.account.acct}`);
  }
  onNotification(notification) {
    console.log(`notification ${notification.id} ${notification.type} from @${notification.account.acct}`);
  }
  onDelete(statusId) {
    console.log(`delete ${statusId}`);
  }
  onAbort(err) {
    // Called for every interruption; with reconnectAsync the handle then reconnects by itself.
    console.error(`stream interrupted: ${err.message}`);
  }
}

const mastodon = new Mastodon({
  apiBaseUrl: process.env.MASTODON_URL,
  accessToken: process.env.MASTODON_TOKEN,
});

const handle = mastodon.streamUser(new Printer(), { runAsync: true, reconnectAsync: true });
process.once('SIGINT', () => handle.close());

// `done` resolves when the handle stops: after close(), or after a fatal error such as 401.
await handle.done;
