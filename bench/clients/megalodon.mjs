// megalodon (Mastodon over WebSocket; streaming URL from /api/v1/instance).
import { run } from './harness.mjs';

run(async (onUpdate, env) => {
  const generator = (await import('megalodon')).default;
  const client = generator('mastodon', env.BENCH_API, env.BENCH_TOKEN);
  const s = await client.userStreaming();
  s.on('update', onUpdate);
  s.on('error', () => {});
});
