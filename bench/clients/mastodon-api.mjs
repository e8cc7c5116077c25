// mastodon-api (SSE through the `request` package, on the API host).
import { run } from './harness.mjs';

run(async (onUpdate, env) => {
  const Mastodon = (await import('mastodon-api')).default;
  const M = new Mastodon({ access_token: env.BENCH_TOKEN, api_url: env.BENCH_API + '/api/v1/', timeout_ms: 60000 });
  const s = M.stream('streaming/user');
  s.on('message', (m) => {
    if (m.event === 'update') onUpdate();
  });
  s.on('error', () => {});
});
