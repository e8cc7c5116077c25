// Number options take finite numbers ≥ 0 and nothing else: a string such as 'five' made the
// back-off NaN (a timer of about 1 ms: a request storm) and '1KB' switched maxEventBytes off.
import { describe, expect, it } from 'vitest';
import { Mastodon, MastodonIllegalArgumentError } from '../../src/index.js';

// No request leaves the machine: the streaming base is given, and fetch never answers.
const m = new Mastodon({
  apiBaseUrl: 'https://mastodon.example',
  streamingBaseUrl: 'https://mastodon.example',
  accessToken: 'SECRET-token-value',
  fetch: (() => new Promise(() => {})) as typeof fetch,
});
const open = (o: Record<string, unknown>) => () => m.streamUser({}, { runAsync: true, ...o } as never);

describe('stream options', () => {
  it.each([
    ['reconnectAsyncWaitSec', 'five'],
    ['reconnectAsyncWaitSec', 0 / 0],
    ['reconnectAsyncMaxWaitSec', -1],
    ['timeoutSec', 1 / 0],
    ['catchUpMaxItems', '400'],
    ['maxEventBytes', '1KB'],
  ])('%s = %j is refused with an error naming the option, before anything is sent', (name, value) => {
    // (Timeouts and sizes must be > 0: 0 would time out, or refuse, everything at once.)
    expect(open({ [name]: value })).toThrow(new MastodonIllegalArgumentError(`${name} must be a number ${/imeout|Bytes/.test(name) ? '>' : '≥'} 0`));
  });

  it('numbers in range are accepted (0 included: the back-off floor of 0.1 s still applies)', () => {
    const h = m.streamUser({}, { runAsync: true, reconnectAsyncWaitSec: 0, timeoutSec: 1e7, maxEventBytes: 1024 });
    expect(h.isAlive()).toBe(true);
    h.close();
    expect(h.isAlive()).toBe(false);
  });
});
