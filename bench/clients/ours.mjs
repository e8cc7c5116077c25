// mastodon-streaming from dist/, SSE or WebSocket (BENCH_TRANSPORT).
import { run } from './harness.mjs';

run(async (onUpdate, env) => {
  const { Mastodon } = await import('../../dist/index.js');
  const transport = env.BENCH_TRANSPORT ?? 'sse';
  let WebSocket;
  if (transport === 'websocket' && typeof globalThis.WebSocket !== 'function') WebSocket = (await import('ws')).default;
  const m = new Mastodon({ apiBaseUrl: env.BENCH_API, streamingBaseUrl: env.BENCH_STREAMING, accessToken: env.BENCH_TOKEN, transport, ...(WebSocket && { WebSocket }) });
  m.streamUser({ onUpdate }, { runAsync: true });
});
