// Bun runs TypeScript as is: your home timeline and notifications over Server-Sent Events.
//   MASTODON_URL=https://mastodon.example MASTODON_TOKEN=… bun examples/bun.ts
import { Mastodon, StreamListener, type Notification, type Status } from 'mastodon-streaming';

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
    console.error(`stream interrupted: ${err.message}`);
  }
}

const mastodon = new Mastodon({
  apiBaseUrl: Bun.env.MASTODON_URL ?? '',
  accessToken: Bun.env.MASTODON_TOKEN,
});

const handle = mastodon.streamUser(new Printer(), { runAsync: true, reconnectAsync: true });
process.once('SIGINT', () => handle.close());
await handle.done;
