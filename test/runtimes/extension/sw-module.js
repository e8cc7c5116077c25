// Background service worker of an MV3 extension declared with "type": "module":
// a static import of the ES module build (dist/index.js copied as mastodon-streaming.js).
import { Mastodon } from './mastodon-streaming.js';
import './recorder.js'; // the test's scenario (test/runtimes/fixtures/recorder.js)

// Called by the test through the DevTools protocol (serviceWorker.evaluate).
self.startRecorder = (options) => {
  self.startUserStreamRecorder({ Mastodon }, options);
};
