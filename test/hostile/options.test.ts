/**
 * Careless callers: a token with a control character is refused at once with a
 * MastodonIllegalArgumentError that names the option and never quotes the value, before any
 * request.
 */
import { describe, expect, it } from 'vitest';
import { Mastodon, MastodonIllegalArgumentError } from '../../src/index.js';

const API = 'https://mastodon.example';
const TOKEN = 'SECRET-token-4e1d';

/** A fetch that counts its calls and never answers: nothing leaves the machine. */
function counting() {
  const calls: string[] = [];
  const fetchFn = ((url: string) => (calls.push(String(url)), new Promise(() => {}))) as unknown as typeof fetch;
  return { calls, fetchFn };
}

describe('the constructor', () => {
  it('a token with CR, LF, NUL or another control character: refused, and the message does not quote it', () => {
    for (const bad of [TOKEN + '\r\nX-Injected: 1', TOKEN + '\n', '\0' + TOKEN, TOKEN + '\t', TOKEN + '\x7f', TOKEN + '\x1b[0m']) {
      const { calls, fetchFn } = counting();
      let err: unknown;
      try {
        new Mastodon({ apiBaseUrl: API, accessToken: bad, fetch: fetchFn });
      } catch (e) {
        err = e;
      }
      // c136974: accepted; undici then quoted the whole Authorization header in its error.
      expect(err).toBeInstanceOf(MastodonIllegalArgumentError);
      expect((err as Error).message).toBe('accessToken must be a string without control characters');
      expect(String((err as Error).stack)).not.toContain('SECRET');
      expect(calls).toEqual([]);
    }
  });

});
