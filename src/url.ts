/**
 * `mastodon.example`, `https://mastodon.example/` → `https://mastodon.example`. The scheme is
 * optional (https is assumed) and one trailing slash is dropped, as in Mastodon.py.
 */
export function normaliseBaseUrl(url: string): string {
  const u = url.trim();
  return (/^[a-z][a-z\d+.-]*:\/\//i.test(u) ? u : 'https://' + u).replace(/\/$/, '');
}

/**
 * A streaming URL from discovery: `wss:` → `https:`, `ws:` → `http:`; http(s) kept; a path
 * prefix kept, trailing slashes dropped. Undefined for anything else.
 */
export function streamingBaseFrom(value: unknown): string | undefined {
  const m = typeof value == 'string' ? /^(wss?|https?)(:\/\/.+?)\/*$/i.exec(value.trim()) : null;
  return m ? m[1]!.toLowerCase().replace('ws', 'http') + m[2] : undefined;
}
