/** Bytes for the wire: text to UTF-8, joining, and cutting into the chunks a network makes. */

export const enc = (s: string): Uint8Array => new TextEncoder().encode(s);

export const concat = (...parts: Uint8Array[]): Uint8Array => {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
};

/** `bytes` cut at `offsets` (sorted). */
export function splitAt(bytes: Uint8Array, ...offsets: number[]): Uint8Array[] {
  const out: Uint8Array[] = [];
  let from = 0;
  for (const o of [...offsets, bytes.length]) {
    out.push(bytes.subarray(from, o));
    from = o;
  }
  return out;
}

/** Every byte on its own. */
export const bytewise = (bytes: Uint8Array): Uint8Array[] => Array.from(bytes, (_, i) => bytes.subarray(i, i + 1));
