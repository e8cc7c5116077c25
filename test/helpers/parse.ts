// DEPRECATED: moved to test/kit (import from '../kit/index.js').
export { feedParser, norm } from '../kit/parse.js';
export { splitAt, bytewise } from '../kit/bytes.js';
