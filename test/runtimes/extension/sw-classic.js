// Background service worker of an MV3 extension without "type": "module":
// importScripts of the script-tag build (dist/index.global.js copied as
// mastodon-streaming.global.js), which defines the global MastodonStreaming.
importScripts('mastodon-streaming.global.js', 'recorder.js'); // recorder.js: the test's scenario

const { Mastodon } = self.MastodonStreaming;

// Called by the test through the DevTools protocol (serviceWorker.evaluate).
self.startRecorder = (options) => {
  self.startUserStreamRecorder({ Mastodon }, options);
};
