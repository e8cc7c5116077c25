/**
 * `mastodon.example`, `https://mastodon.example/` → `https://mastodon.example`. The scheme is
 * optional (https is assumed) and one trailing slash is dropped, as in Mastodon.py.
 */
export function normaliseBaseUrl(url: string): string {
  let u = url.trim();
  if (!/^[a-z][a-z0-9+.-]*:\/\//i.test(u)) u = 'https://' + u;
  if (u.endsWith('/')) u = u.slice(0, -1);
  return u;
}

/** A streaming URL from discovery: `wss:` → `https:`, `ws:` → `http:`; http(s) kept; a path prefix kept. */
export function streamingBaseFrom(value: unknown): string | undefined {
  if (typeof value !== 'string' || value.trim() === '') return undefined;
  let u = value.trim();
  if (/^wss:\/\//i.test(u)) u = 'https://' + u.slice(6);
  else if (/^ws:\/\//i.test(u)) u = 'http://' + u.slice(5);
  else if (!/^https?:\/\//i.test(u)) return undefined;
  while (u.endsWith('/')) u = u.slice(0, -1);
  return u;
}

/** A URL fit for an error message: any `access_token` query value replaced. */
export function redactUrl(url: string): string {
  return url.replace(/([?&]access_token=)[^&#]*/gi, '$1[redacted]');
}
