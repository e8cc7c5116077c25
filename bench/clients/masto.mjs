// masto 8 (WebSocket only; needs Node ≥ 22, so it runs under Bun or Deno).
import { run } from './harness.mjs';

run(async (onUpdate, env) => {
  const { createStreamingAPIClient } = await import('masto');
  const client = createStreamingAPIClient({ streamingApiUrl: env.BENCH_STREAMING.replace(/^http/, 'ws'), accessToken: env.BENCH_TOKEN });
  const sub = client.user.subscribe();
  (async () => {
    for await (const e of sub) if (e.event === 'update') onUpdate();
  })();
});
