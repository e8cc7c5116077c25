import { MastodonNetworkError } from '../errors/MastodonNetworkError.js';

/** `promise`, or a rejection as soon as `signal` aborts (for shared work that cannot itself be aborted). */
export function untilAborted<T>(promise: Promise<T>, signal: AbortSignal): Promise<T> {
  if (signal.aborted) return Promise.reject(new MastodonNetworkError('Aborted'));
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => reject(new MastodonNetworkError('Aborted'));
    signal.addEventListener('abort', onAbort, { once: true });
    promise.then(
      (v) => {
        signal.removeEventListener('abort', onAbort);
        resolve(v);
      },
      (e: unknown) => {
        signal.removeEventListener('abort', onAbort);
        reject(e);
      },
    );
  });
}
