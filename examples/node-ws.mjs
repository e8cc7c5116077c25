// Node 20 over WebSocket with the `ws` package (npm install ws): a hashtag and your home
// timeline on ONE socket. Node ≥ 22 has a built-in WebSocket; there the `WebSocket` option
// can be left out.
//   MASTODON_URL=https://mastodon.example MASTODON_TOKEN=… MASTODON_TAG=cats node examples/node-ws.mjs
import WebSocket from 'ws';
import { CallbackStreamListener, Mastodon } from 'mastodon-streaming';

const { MASTODON_URL, MASTODON_TOKEN } = process.env;
if (!MASTODON_URL || !MASTODON_TOKEN) {
  console.error('Set MASTODON_URL and MASTODON_TOKEN (npm start prints both for its demo server).');
  process.exit(2);
}

const mastodon = new Mastodon({
  apiBaseUrl: MASTODON_URL,
  accessToken: MASTODON_TOKEN,
  transport: 'websocket',
  WebSocket, // with `ws`, the token goes in the Authorization header of the upgrade request
});

let lastError; // the reason of the latest interruption
const printer = (label) =>
  new CallbackStreamListener({
    updateHandler: (status) => console.log(`${label} update ${status.id} @${status.account.acct}`),
    notificationHandler: (n) => console.log(`${label} notification ${n.id} ${n.type}`),
    deleteHandler: (id) => console.log(`${label} delete ${id}`),
    abortHandler: (err) => {
      lastError = err;
      console.error(`${label} interrupted: ${err.message}`);
    },
  });

const tag = process.env.MASTODON_TAG ?? 'cats';
const options = { runAsync: true, reconnectAsync: true };
const handles = [
  mastodon.streamHashtag(tag, printer(`#${tag}`), options),
  mastodon.streamUser(printer('home'), options),
];

let interrupted = false;
process.once('SIGINT', () => {
  interrupted = true;
  handles.forEach((h) => h.close());
});
await Promise.all(handles.map((h) => h.done));
// Not closed by Ctrl-C: a fatal error (401: the token is invalid or revoked) ended the socket's streams.
if (!interrupted) {
  console.error(`stream ended: ${lastError?.message}`);
  process.exitCode = 1;
}
