/** `mastodon.stream(name)` takes exactly the twelve stream names of docs/protocol.md. */
import { describe, expect, it } from 'vitest';
import { Mastodon, MastodonIllegalArgumentError, type StreamType } from '../../src/index.js';

const NAMES: StreamType[] = [
  'user', 'user:notification', 'public', 'public:media', 'public:local', 'public:local:media',
  'public:remote', 'public:remote:media', 'hashtag', 'hashtag:local', 'list', 'direct',
];

// A fetch that never answers: the stream is made and closed before anything is asked of it.
const client = () =>
  new Mastodon({ apiBaseUrl: 'mastodon.example', accessToken: 'tok', streamingBaseUrl: 'https://streaming.example', fetch: () => new Promise<Response>(() => {}) });

describe('mastodon.stream() stream names', () => {
  it('each of the twelve names makes a stream', async () => {
    for (const name of NAMES) {
      const it = client().stream(name, { tag: 'cats', list: '7' });
      expect(await it.return!()).toEqual({ value: undefined, done: true });
    }
  });

  it('a near name is refused with MastodonIllegalArgumentError, naming it', () => {
    for (const name of [
      'users', 'user:', 'user:notifications', 'public:media:local', 'public:local:remote', 'public:remote:local',
      'public:media:media', 'hashtag:remote', 'hashtag:local:media', 'list:local', 'direct:media', 'USER', ' user',
      'user\n', 'notification', 'local', '', 'public:', ':public', 'public::local',
    ]) {
      const call = () => client().stream(name as StreamType);
      expect(call).toThrow(MastodonIllegalArgumentError);
      expect(call).toThrow('Unknown stream type: ' + name);
    }
  });
});
