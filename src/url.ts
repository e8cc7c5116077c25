/**
 * A base URL (no trailing slash), or undefined for anything else than an http(s) or ws(s) URL
 * with a host (another scheme, nothing after `://`, white space inside): `wss:` → `https:`,
 * `ws:` → `http:`, http(s) kept, a path prefix kept, trailing slashes dropped. With `scheme`
 * (the caller's own settings: `apiBaseUrl`, `streamingBaseUrl`) a value without one gets it,
 * as in Mastodon.py (`mastodon.example` → `https://mastodon.example`).
 *
 * Discovery's value comes from the server, so the pattern must not backtrack: it is anchored,
 * and only a character that is not a slash can start the trailing-slash run `\/*$`, so each run
 * of slashes is tried from one place only, once — linear in the length (was `.+?\/*$`:
 * quadratic, 100 KB of slashes blocked the event loop for seconds).
 */
export function streamingBaseFrom(value: unknown, scheme = ''): string | undefined {
  if (typeof value != 'string') return;
  const s = value.trim();
  const m = /^(wss?|https?)(:\/\/\S*?[^/\s])\/*$/i.exec(s.includes('://') ? s : scheme + s);
  return m ? m[1]!.toLowerCase().replace('ws', 'http') + m[2] : undefined;
}
