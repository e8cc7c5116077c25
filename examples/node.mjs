// Node ≥ 20.19: your home timeline and notifications over Server-Sent Events.
//   MASTODON_URL=https://mastodon.example MASTODON_TOKEN=… node examples/node.mjs
// Ctrl-C closes the stream and the process exits.
import { Mastodon, StreamListener } from 'mastodon-streaming';

const { MASTODON_URL, MASTODON_TOKEN } = process.env;
if (!MASTODON_URL || !MASTODON_TOKEN) {
  console.error('Set MASTODON_URL and MASTODON_TOKEN (npm start prints both for its demo server).');
  process.exit(2);
}

let lastError; // the reason of the latest interruption
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
    lastError = err;
    // Called for every interruption; with reconnectAsync the handle then reconnects by itself.
    console.error(`stream interrupted: ${err.message}`);
  }
}

const mastodon = new Mastodon({
  apiBaseUrl: MASTODON_URL,
  accessToken: MASTODON_TOKEN,
});

const handle = mastodon.streamUser(new Printer(), { runAsync: true, reconnectAsync: true });
let interrupted = false;
process.once('SIGINT', () => {
  interrupted = true;
  handle.close();
});

// `done` resolves when the handle stops: after close(), or after a fatal error such as 401
// (the token is invalid or revoked), which onAbort saw last: then say so and exit non-zero.
await handle.done;
if (!interrupted) {
  console.error(`stream ended: ${lastError?.message}`);
  process.exitCode = 1;
}
