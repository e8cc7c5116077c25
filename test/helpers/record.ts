// DEPRECATED: moved to test/kit (import from '../kit/index.js'). Kept until every user migrated.
import { until } from '../kit/wait.js';
export { record, LISTENER_METHODS, type Call, type Recorder } from '../kit/record.js';
export { sleep } from '../kit/wait.js';
export { enc, concat } from '../kit/bytes.js';
/** @deprecated use `until(cond, { timeoutMs, what })` from the kit. */
export const waitFor = (cond: () => unknown, timeoutMs = 3000, what = 'condition'): Promise<void> => until(cond, { timeoutMs, what });
