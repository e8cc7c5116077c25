// Tokens, scopes, revocation, and where each side of the server looks for a token.

/**
 * Token as the streaming server finds it: `Authorization` (only a case-sensitive "Bearer "
 * prefix is stripped), then `?access_token=`, then `Sec-WebSocket-Protocol`.
 * @param {import('node:http').IncomingMessage} req @param {URL} url
 * @returns {string | undefined}
 */
export function streamingToken(req, url) {
  const authorization = req.headers.authorization;
  if (authorization) return authorization.replace(/^Bearer /, '');
  const q = url.searchParams.get('access_token');
  if (q) return q;
  const proto = req.headers['sec-websocket-protocol'];
  if (proto) return proto;
  return undefined;
}

/**
 * Token as the REST API (Doorkeeper) finds it.
 * @param {import('node:http').IncomingMessage} req @param {URL} url
 */
export function restToken(req, url) {
  const authorization = req.headers.authorization;
  if (authorization) {
    const m = /^Bearer\s+(.+)$/i.exec(authorization);
    return m ? m[1]?.trim() : undefined;
  }
  return url.searchParams.get('access_token') ?? undefined;
}

export class Auth {
  /** @param {Record<string, string[]>} tokens @param {string[]} appTokens */
  constructor(tokens, appTokens) {
    this.tokens = new Map(Object.entries(tokens));
    this.appTokens = new Set(appTokens);
    /** @type {Set<string>} */
    this.revoked = new Set();
  }

  /**
   * Streaming authentication.
   * @param {string | undefined} token
   * @returns {{ ok: true, token: string, scopes: string[] } | { ok: false, status: 401, error: string }}
   */
  streaming(token) {
    if (!token) return { ok: false, status: 401, error: 'Missing access token' };
    const scopes = this.tokens.get(token);
    if (!scopes || this.revoked.has(token) || this.appTokens.has(token)) return { ok: false, status: 401, error: 'Invalid access token' };
    return { ok: true, token, scopes };
  }

  /**
   * REST authentication. `user: false` means an app token (valid, but no user).
   * @param {string | undefined} token
   * @returns {{ ok: true, token: string | undefined, scopes: string[], user: boolean } | { ok: false, status: 401, error: string }}
   */
  rest(token) {
    if (!token) return { ok: true, token: undefined, scopes: [], user: false };
    if (this.revoked.has(token)) return { ok: false, status: 401, error: 'The access token was revoked' };
    if (this.appTokens.has(token)) return { ok: true, token, scopes: this.tokens.get(token) ?? ['read'], user: false };
    const scopes = this.tokens.get(token);
    if (!scopes) return { ok: false, status: 401, error: 'The access token is invalid' };
    return { ok: true, token, scopes, user: true };
  }

  /** @param {string} token */
  revoke(token) {
    this.revoked.add(token);
  }
}

/**
 * Does a token's scope list grant `needed` (a parent scope such as `read` grants `read:x`)?
 * @param {string[]} scopes @param {string} needed
 */
export function grants(scopes, needed) {
  const parent = needed.split(':')[0] ?? needed;
  return scopes.includes(needed) || scopes.includes(parent);
}
