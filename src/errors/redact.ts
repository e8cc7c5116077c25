/**
 * Takes the access token out of everything an error shows (`message`, `stack`, `serverMessage`,
 * `data`), down its `cause` chain. Errors that quote the server (its message, an event's data,
 * a JSON parser's excerpt) could otherwise carry a token the server echoed; so could a
 * runtime's error about a header.
 */
export const redact = (error: unknown, token?: string): void => {
  for (let e = error as any, depth = 9; token && e && depth--; e = e.cause)
    for (const k of ['message', 'stack', 'serverMessage', 'data'])
      try {
        // defineProperty also shadows a getter (a DOMException's message); a frozen error throws.
        if (e[k]?.includes(token)) Object.defineProperty(e, k, { value: e[k].replaceAll(token, '[redacted]') });
      } catch {
        // nothing more can be done for it
      }
};
