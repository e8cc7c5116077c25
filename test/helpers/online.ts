// DEPRECATED: moved to test/kit/online.ts (import from '../kit/index.js').
export { stubOnline } from '../kit/online.js';
