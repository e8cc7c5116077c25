import { MastodonNetworkError } from './errors/MastodonNetworkError.js';
import { abortController, clearTimer, setTimer, textOf } from './platform.js';

/**
 * A signal for one request that aborts after `ms` or when `signal` (its owner: a handle's
 * attempt, a closing stream) aborts, and `stop`, which aborts it now (releasing a body not
 * read) and clears its timer: every request the library makes besides a stream's own is
 * bounded this way, and leaves no timer behind.
 */
export const deadline = (ms: number, signal?: AbortSignal): [AbortSignal, () => void] => {
  const ac = abortController();
  const stop = (): void => {
    clearTimer(t);
    signal?.removeEventListener('abort', stop);
    ac.abort();
  };
  const t = setTimer(stop, ms);
  signal?.addEventListener('abort', stop);
  if (signal?.aborted) stop();
  return [ac.signal, stop];
};

/**
 * A response body as text, at most 1 MiB of it: a longer one is a `MastodonNetworkError`
 * (`<what> sent over 1 MiB`), never buffered whole. (The caller's `deadline` bounds the time
 * and releases a body left unread.)
 */
export const readText = async (res: Response, what: string): Promise<string> => {
  const reader = res.body!.getReader();
  const chunks: Uint8Array[] = [];
  for (let c, n = 0; !(c = await reader.read()).done; chunks.push(c.value))
    if ((n += c.value.length) > 1 << 20) throw new MastodonNetworkError(what + ' sent over 1 MiB');
  return textOf(chunks);
};
