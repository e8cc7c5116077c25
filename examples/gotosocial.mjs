// GoToSocial and Akkoma stream over WebSocket only (their SSE endpoints answer 404).
//   MASTODON_URL=https://gts.example MASTODON_TOKEN=… node examples/gotosocial.mjs
// The streaming host is discovered from the instance API; set MASTODON_STREAMING_URL to skip
// that. Node ≥ 22, Deno, Bun and browsers have WebSocket built in; Node 20 uses `ws`.
import { Mastodon, StreamListener } from 'mastodon-streaming';

const { MASTODON_URL, MASTODON_TOKEN } = process.env;
if (!MASTODON_URL || !MASTODON_TOKEN) {
  console.error('Set MASTODON_URL and MASTODON_TOKEN (npm start prints both for its demo server).');
  process.exit(2);
}

const WebSocket = globalThis.WebSocket ?? (await import('ws')).default;

const mastodon = new Mastodon({
  apiBaseUrl: MASTODON_URL,
  accessToken: MASTODON_TOKEN,
  streamingBaseUrl: process.env.MASTODON_STREAMING_URL || undefined,
  transport: 'websocket',
  WebSocket,
});

let lastError; // the reason of the latest interruption
class Printer extends StreamListener {
  onUpdate(status) {
    // GoToSocial's ids are ULIDs, Mastodon's 18-digit numbers: both arrive as strings.
    console.log(`update ${status.id} @${status.account.acct}`);
  }
  onNotification(notification) {
    console.log(`notification ${notification.id} ${notification.type}`);
  }
  onDelete(statusId) {
    console.log(`delete ${statusId}`);
  }
  onAbort(err) {
    lastError = err;
  }
}

const handle = mastodon.streamUser(new Printer(), { runAsync: true, reconnectAsync: true });
let interrupted = false;
process.once('SIGINT', () => {
  interrupted = true;
  handle.close();
});
await handle.done;
// Not closed by Ctrl-C: the stream ended for good (401: the token is invalid or revoked).
if (!interrupted) {
  console.error(`stream ended: ${lastError?.message}`);
  process.exitCode = 1;
}
