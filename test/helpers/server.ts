// DEPRECATED: moved to test/kit/wire-server.ts (import from '../kit/index.js').
export * from '../kit/wire-server.js';
