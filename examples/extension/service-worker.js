// MV3 background service worker ("type": "module"). mastodon-streaming.js is
// node_modules/mastodon-streaming/dist/index.js, copied next to this file.
// Over WebSocket: since Chrome 116 WebSocket traffic keeps a service worker alive, and the
// library sends a liveness marker after 20 s of quiet. The instance URL and token live in
// chrome.storage.session (memory only, never written to disk), never in a URL.
import { Mastodon } from './mastodon-streaming.js';

const recent = []; // the last 50 lines, for a popup to show
let handle;

function print(line) {
  recent.push(line);
  if (recent.length > 50) recent.shift();
  console.log(line);
}

async function connect({ instanceUrl, token, position }) {
  handle?.close();
  await chrome.storage.session.set({ instanceUrl, token });
  if (!position) await chrome.storage.session.remove('position'); // a new connection starts afresh
  const mastodon = new Mastodon({ apiBaseUrl: instanceUrl, accessToken: token, transport: 'websocket' });
  handle = mastodon.streamUser(
    {
      onUpdate: (status) => print(`update ${status.id} @${status.account.acct}`),
      onNotification: (n) => print(`notification ${n.id} ${n.type} from @${n.account.acct}`),
      onDelete: (id) => print(`delete ${id}`),
      onPosition: (p) => chrome.storage.session.set({ position: p }),
      onCatchUpGap: (gap) => print(`gap ${gap.reason} after ${gap.sinceId} in ${gap.timeline}`),
    },
    { runAsync: true, reconnectAsync: true, catchUp: { from: position } },
  );
}

async function disconnect() {
  handle?.close();
  handle = undefined;
  await chrome.storage.session.remove(['instanceUrl', 'token', 'position']);
}

// A popup or options page sends {type: 'connect', instanceUrl, token}, {type: 'disconnect'}
// or {type: 'recent'}.
chrome.runtime.onMessage.addListener((message, _sender, sendResponse) => {
  if (message?.type === 'recent') sendResponse(recent);
  const action = message?.type === 'connect' ? connect(message) : message?.type === 'disconnect' ? disconnect() : null;
  action?.then(() => sendResponse({ ok: true }));
  return !!action; // true: the answer comes later
});

// When Chrome restarts the worker, pick the stream up again where it stood.
chrome.storage.session.get(['instanceUrl', 'token', 'position']).then((saved) => {
  if (saved.instanceUrl && saved.token) connect(saved);
});

// Also reachable from the worker's DevTools console.
Object.assign(self, { connect, disconnect, recent });
