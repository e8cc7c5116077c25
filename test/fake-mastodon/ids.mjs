// Mastodon ids are decimal strings; compare them as big integers, never as JS numbers.

/** @param {string} s */
function canon(s) {
  const t = String(s).trim();
  if (!/^\d+$/.test(t)) return null;
  const u = t.replace(/^0+(?=\d)/, '');
  return u;
}

/**
 * Compare two decimal id strings as integers. Non-numeric ids sort as 0.
 * @param {string} a @param {string} b @returns {-1 | 0 | 1}
 */
export function compareIds(a, b) {
  const x = canon(a) ?? '0';
  const y = canon(b) ?? '0';
  if (x.length !== y.length) return x.length < y.length ? -1 : 1;
  return x < y ? -1 : x > y ? 1 : 0;
}

/**
 * Snowflake-like status ids: (milliseconds << 16) + sequence, strictly increasing,
 * always 18 digits today and far above 2^53.
 */
export class SnowflakeIds {
  /** @param {bigint} [start] */
  constructor(start = 117024248092393661n) {
    this.last = start;
  }

  next() {
    const fromClock = (BigInt(Date.now()) << 16n) + BigInt(Math.floor(Math.random() * 1000));
    const bumped = this.last + 1n + BigInt(Math.floor(Math.random() * 97));
    this.last = fromClock > bumped ? fromClock : bumped;
    return this.last.toString();
  }
}

/** Small sequential ids, as Mastodon uses for notifications, conversations, announcements. */
export class SequentialIds {
  /** @param {number} [start] */
  constructor(start = 1) {
    this.n = BigInt(start) - 1n;
  }

  next() {
    this.n += 1n;
    return this.n.toString();
  }
}
