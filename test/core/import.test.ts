/** Importing the library touches no runtime global: nothing runs at import time. */
import { describe, expect, it } from 'vitest';

describe('import', () => {
  it('touches no window, document, fetch, WebSocket or addEventListener, in the node environment', async () => {
    expect((globalThis as { window?: unknown }).window).toBeUndefined();
    expect((globalThis as { document?: unknown }).document).toBeUndefined();
    const touched: string[] = [];
    const names = ['window', 'document', 'fetch', 'WebSocket', 'addEventListener', 'navigator', 'location', 'self'];
    const saved = new Map(names.map((n) => [n, Object.getOwnPropertyDescriptor(globalThis, n)]));
    for (const n of names) {
      Object.defineProperty(globalThis, n, {
        configurable: true,
        get() {
          touched.push(n);
          return undefined;
        },
      });
    }
    try {
      const lib = await import('../../src/index.js');
      const m = new lib.Mastodon({ apiBaseUrl: 'mastodon.example', accessToken: 'tok-abc123' });
      new lib.CallbackStreamListener({});
      expect(m.apiBaseUrl).toBe('https://mastodon.example');
      expect(Object.keys(lib).sort()).toEqual([
        'CallbackStreamListener', 'Mastodon', 'MastodonAPIError', 'MastodonError', 'MastodonIllegalArgumentError',
        'MastodonMalformedEventError', 'MastodonNetworkError', 'MastodonReadTimeout', 'StreamListener',
      ]);
    } finally {
      for (const [n, d] of saved) {
        if (d) Object.defineProperty(globalThis, n, d);
        else delete (globalThis as Record<string, unknown>)[n];
      }
    }
    expect(touched).toEqual([]);
  });
});
