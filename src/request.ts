import { MastodonNetworkError } from './errors/MastodonNetworkError.js';
import { abortController, clock, setTimer, textOf } from './platform.js';

/**
 * A signal for one request that aborts after `ms` or with `signal` (its owner: a closing stream,
 * a discovery nobody waits for any more), and `stop`, which aborts it now — releasing a body not
 * read — and clears its timer. Every request the library makes besides a stream's own is
 * bounded this way, and leaves no timer behind. (The owner's signals live no longer than one
 * attempt, socket or discovery: the listener goes with them.)
 */
export const deadline = (ms: number, signal?: AbortSignal): [AbortSignal, () => void] => {
  const ac = abortController();
  const stop = (): void => (clock.clear(t), ac.abort());
  const t = setTimer(stop, ms);
  signal?.addEventListener('abort', stop);
  // (An owner that has already gone: aborted at once.)
  if (signal?.aborted) stop();
  return [ac.signal, stop];
};

/**
 * A response body as text: at most 1 MiB of it (more is a `MastodonNetworkError`, `<what> sent
 * over 1 MiB`, never buffered whole), and what came within `ms` (then the body is cancelled).
 */
export const readText = async (res: Response, what: string, ms: number): Promise<string> => {
  const reader = res.body!.getReader();
  // Cancelling ends a pending read (done): the text is what came.
  const timer = setTimer(() => reader.cancel().catch(() => {}), ms);
  const chunks: Uint8Array[] = [];
  try {
    for (let c, n = 0; !(c = await reader.read()).done; chunks.push(c.value))
      if ((n += c.value.length) > 1 << 20) throw new MastodonNetworkError(what + ' sent over 1 MiB');
  } finally {
    clock.clear(timer);
  }
  return textOf(chunks);
};

/**
 * `GET base + path` with no token and no cookies (`base` may wait: the wait counts too), bounded
 * by `ms` and aborted with `signal`: the status, and the body of a 2xx (see `readText`; '' when
 * it could not be read). Discovery's and `streamHealthy()`'s requests.
 */
export const get = async (
  fetchFn: typeof fetch,
  base: (signal: AbortSignal) => Promise<string> | string,
  path: string,
  ms: number,
  signal?: AbortSignal,
): Promise<[status: number, body?: string]> => {
  const [s, stop] = deadline(ms, signal);
  try {
    const res = await fetchFn((await base(s)) + path, { signal: s, credentials: 'omit', cache: 'no-store' });
    return [res.status, res.ok ? await readText(res, path, ms).catch(() => '') : undefined];
  } finally {
    stop();
  }
};
