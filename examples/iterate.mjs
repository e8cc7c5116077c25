// Async iteration: one `for await` loop over the user stream (Node ≥ 20.19, Deno, Bun, browsers).
//   MASTODON_URL=https://mastodon.example MASTODON_TOKEN=… node examples/iterate.mjs
// Ctrl-C aborts the signal, which ends the loop.
import { Mastodon } from 'mastodon-streaming';

const { MASTODON_URL, MASTODON_TOKEN } = process.env;
if (!MASTODON_URL || !MASTODON_TOKEN) {
  console.error('Set MASTODON_URL and MASTODON_TOKEN (npm start prints both for its demo server).');
  process.exit(2);
}

const mastodon = new Mastodon({
  apiBaseUrl: MASTODON_URL,
  accessToken: MASTODON_TOKEN,
});

const stop = new AbortController();
process.once('SIGINT', () => stop.abort());

try {
  for await (const e of mastodon.stream('user', {}, { reconnectAsync: true, signal: stop.signal })) {
    // `e.event` narrows `e.payload`: a Status for 'update', a string id for 'delete', …
    if (e.event === 'update') console.log(`update ${e.payload.id} @${e.payload.account.acct}`);
    else if (e.event === 'notification') console.log(`notification ${e.payload.id} ${e.payload.type}`);
    else if (e.event === 'delete') console.log(`delete ${e.payload}`);
    else console.log(`other ${e.event}`);
  }
} catch (err) {
  // An error that ends the stream for good (a revoked token: 401) is thrown from the loop.
  console.error(`stream ended: ${err.message}`);
  process.exitCode = 1;
}
