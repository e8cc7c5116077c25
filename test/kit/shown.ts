import { inspect } from 'node:util';

/**
 * Everything a value shows, in one string, to search for a secret: `util.inspect` (every
 * depth, hidden properties, getters), `JSON.stringify`, `String()`, and for each error down
 * its `cause` chain its message, stack, JSON, inspection and every own property.
 */
export function shown(x: unknown): string {
  const parts = [inspect(x, { depth: Infinity, showHidden: true, getters: true }), safeJson(x), safeString(x)];
  for (let e = x as { message?: unknown; stack?: unknown; cause?: unknown } | undefined, i = 0; e && typeof e == 'object' && i < 20; e = e.cause as typeof e, i++) {
    parts.push(String(e.message), String(e.stack), safeJson(e), inspect(e, { depth: Infinity, showHidden: true }));
    for (const k of Object.getOwnPropertyNames(e)) parts.push(safeString((e as Record<string, unknown>)[k]));
  }
  return parts.join('\n');
}

const safeJson = (x: unknown): string => {
  try {
    return JSON.stringify(x) ?? '';
  } catch (e) {
    return String(e);
  }
};

const safeString = (x: unknown): string => {
  try {
    return String(x);
  } catch (e) {
    return String(e);
  }
};
