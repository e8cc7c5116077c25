// Page helpers for browser.test.ts (classic script).
'use strict';

// `for await` over mastodon.stream('user'): collects `count` events, then `break`s, which must
// close the connection. Heartbeats must not be yielded.
window.iterateUserStream = async function (apiUrl, token, count, transport) {
  const mastodon = new window.lib.Mastodon({ apiBaseUrl: apiUrl, accessToken: token, transport: transport || 'sse' });
  const got = [];
  window.iterationStarted = true;
  for await (const e of mastodon.stream('user')) {
    got.push({
      event: e.event,
      id: typeof e.payload === 'string' ? e.payload : e.payload && e.payload.id,
      payloadType: typeof e.payload,
      stream: e.stream,
    });
    if (got.length === count) break;
  }
  return got;
};
