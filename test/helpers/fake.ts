// DEPRECATED: moved to test/kit (import from '../kit/index.js').
import { until as untilKit } from '../kit/wait.js';
export { useFakeMastodon } from '../kit/cleanup.js';
/** @deprecated use `until(cond, { timeoutMs, what })` from the kit. */
export const until = (check: () => unknown, timeoutMs = 3000): Promise<void> => untilKit(check, { timeoutMs });
