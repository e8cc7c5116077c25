// Deno 2: your home timeline and notifications over Server-Sent Events, typed.
//   MASTODON_URL=https://mastodon.example MASTODON_TOKEN=… \
//     deno run --allow-net --allow-env=MASTODON_URL,MASTODON_TOKEN examples/deno.ts
// In your own project, once the package is published: `deno add npm:mastodon-streaming`.
import { Mastodon, StreamListener, type Notification, type Status } from 'mastodon-streaming';

const MASTODON_URL = Deno.env.get('MASTODON_URL');
const MASTODON_TOKEN = Deno.env.get('MASTODON_TOKEN');
if (!MASTODON_URL || !MASTODON_TOKEN) {
  console.error('Set MASTODON_URL and MASTODON_TOKEN (npm start prints both for its demo server).');
  Deno.exit(2);
}

let lastError: Error | undefined; // the reason of the latest interruption
class Printer extends StreamListener {
  override onUpdate(status: Status): void {
    console.log(`update ${status.id} @${status.account.acct}`);
  }
  override onNotification(notification: Notification): void {
    console.log(`notification ${notification.id} ${notification.type} from @${notification.account.acct}`);
  }
  override onDelete(statusId: string): void {
    console.log(`delete ${statusId}`);
  }
  override onAbort(err: Error): void {
    lastError = err;
    console.error(`stream interrupted: ${err.message}`);
  }
}

const mastodon = new Mastodon({
  apiBaseUrl: MASTODON_URL,
  accessToken: MASTODON_TOKEN,
});

const handle = mastodon.streamUser(new Printer(), { runAsync: true, reconnectAsync: true });
let interrupted = false;
Deno.addSignalListener('SIGINT', () => {
  interrupted = true;
  handle.close();
});
await handle.done;
// Not closed by Ctrl-C: the stream ended for good (401: the token is invalid or revoked).
if (!interrupted) console.error(`stream ended: ${lastError?.message}`);
Deno.exit(interrupted ? 0 : 1); // the signal listener would otherwise keep Deno running
