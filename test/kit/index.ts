// The test kit: the one place tests get their fake servers, waiting, recording, bytes, cleanup
// and virtual time from. Import from here ('../kit/index.js'), not from the files behind it.
export { FakeClock } from './clock.js';
export { until, sleep, type UntilOptions } from './wait.js';
export { record, LISTENER_METHODS, type Call, type Recorder } from './record.js';
export { useCleanup, useFakeMastodon, useWireServer, type Cleanup, type Closable } from './cleanup.js';
export { enc, concat, splitAt, bytewise } from './bytes.js';
export { feedParser, norm } from './parse.js';
export { stubOnline } from './online.js';
export { MemorySocket, MemoryEmitterSocket } from './memory-socket.js';
export { startServer, deadPort, type TestServer, type ServerOptions, type Answer, type Conn, type RecordedRequest as WireRequest } from './wire-server.js';
export {
  startFakeMastodon,
  compareIds,
  NOTIFICATION_TYPES,
  type FakeMastodon,
  type FakeMastodonOptions,
  type RecordedRequest,
  type StreamKey,
  type ConnFilter,
  type FailOptions,
} from '../fake-mastodon/index.mjs';
export { startWsWireServer, frame, CHUNKINGS, type Chunking, type WsPeer, type WsWireServer } from './ws-wire.js';
