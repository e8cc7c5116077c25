// Property: over SSE or WebSocket, any interleaving of posts, deletes, drops and restarts (a new
// handle resuming from the old one's position) — every status is delivered exactly once or falls in a reported gap,
// and no handle delivers a timeline out of order, but for one case, a status deleted while a
// catch-up reads: it may come late, and then its `delete` follows it on the same handle.
//
// Why that case (found by fast-check, seed -1697647529: [drop, post 1, delete it]): the status
// is posted after the reconnect, so it comes live, and deleted before the catch-up's REST read,
// so the read returns the newer marker but not it; its live `update` (held, or still on the
// wire) then arrives after the marker. The library cannot tell it from a live status that is
// merely late (on a real server ids are not handed out in commit order, so a live status older
// than one already delivered happens without any catch-up), and dropping it would lose such a
// status; it delivers it as live Mastodon does, and since the status came live, its `delete`
// comes live after it on the same connection: a client that shows the update removes it again.
// (A `delete` for a status the handle never delivered also reaches the listener, as on a live
// stream: Mastodon sends deletes for any status of the timeline; a client ignores unknown ids.)
import fc from 'fast-check';
import { expect, it } from 'vitest';
import WebSocket from 'ws';
import { CallbackStreamListener, Mastodon, type CatchUpGap, type MastodonOptions, type StreamHandle, type StreamPosition } from '../../src/index.js';
import { until, useFakeMastodon } from '../kit/index.js';

const { start } = useFakeMastodon();

type Cmd = { kind: 'post'; n: number } | { kind: 'delete'; pick: number } | { kind: 'drop' } | { kind: 'restart' };
const cmd: fc.Arbitrary<Cmd> = fc.oneof(
  fc.record({ kind: fc.constant('post' as const), n: fc.integer({ min: 1, max: 4 }) }),
  fc.record({ kind: fc.constant('delete' as const), pick: fc.nat() }),
  fc.constant({ kind: 'drop' as const }),
  fc.constant({ kind: 'restart' as const }),
);

/** Runs of the property: 25 in the suite; FC_RUNS=500 (say) locally, with a timeout to match. */
const RUNS = Number(process.env.FC_RUNS) || 25;

it('posts, deletes, drops and restarts: each status delivered once or in a gap, in order', { timeout: Math.max(120_000, RUNS * 5000) }, async () => {
  await fc.assert(
    fc.asyncProperty(fc.constantFrom('sse' as const, 'websocket' as const), fc.array(cmd, { minLength: 1, maxLength: 8 }), async (transport, cmds) => {
      const f = await start();
      const m = new Mastodon({ apiBaseUrl: f.apiUrl, streamingBaseUrl: f.streamingUrl, accessToken: f.token, transport, WebSocket } as MastodonOptions);
      /** The stream is (again) on one new connection the fake publishes to: what is posted now comes live. */
      const kind = transport === 'sse' ? 'sse' : 'ws';
      const attempts = () => f.requests.filter((r) => r.kind === kind).length;
      const connected = (before: number) =>
        until(() => attempts() > before && (kind === 'sse' ? f.sseConnections() === 1 : f.wsConnections() === 1 && f.subscriptions() === 1), { what: 'the connection' });
      /** Per handle, what it delivered: `u <id>` for an update, `d <id>` for a delete. */
      const delivered: string[][] = [];
      const gaps: CatchUpGap[] = [];
      let h: StreamHandle | undefined;
      const open = async (from?: StreamPosition) => {
        const mine: string[] = [];
        delivered.push(mine);
        const before = attempts();
        const listener = new CallbackStreamListener({ updateHandler: (s) => mine.push(`u ${s.id}`), deleteHandler: (id) => mine.push(`d ${id}`), catchUpGapHandler: (g) => gaps.push(g) });
        h = m.streamHashtag('cats', listener, {
          runAsync: true,
          reconnectAsync: true,
          reconnectAsyncWaitSec: 0.02,
          reconnectAsyncMaxWaitSec: 0.05,
          catchUp: { from },
        });
        await until(() => h!.position()?.ids.update, { what: 'a position' });
        await connected(before);
      };
      const posted: string[] = [];
      const deleted = new Set<string>();
      try {
        await open();
        for (const c of cmds) {
          if (c.kind === 'post') for (let i = 0; i < c.n; i++) posted.push(f.postStatus({ tags: ['cats'] }).id);
          else if (c.kind === 'delete') {
            const alive = posted.filter((id) => !deleted.has(id));
            if (alive.length) {
              const id = alive[c.pick % alive.length]!;
              deleted.add(id);
              f.deleteStatus(id);
            }
          } else if (c.kind === 'drop') {
            const before = attempts();
            f.dropConnections();
            await connected(before);
          } else {
            h!.close();
            await open(h!.position());
          }
        }
        const marker = f.postStatus({ tags: ['cats'] }).id;
        posted.push(marker);
        await until(() => delivered.at(-1)!.includes(`u ${marker}`), { what: 'the marker' });
      } finally {
        h?.close();
      }
      const all = delivered.flat().filter((x) => x[0] === 'u').map((x) => x.slice(2));
      for (const mine of delivered) {
        // In order: each update newer than every update before it on this handle — or a deleted status whose delete follows it.
        let top = 0n;
        for (const [i, x] of mine.entries()) {
          if (x[0] !== 'u') continue;
          const id = x.slice(2);
          if (BigInt(id) > top) top = BigInt(id);
          else expect({ late: id, deleted: deleted.has(id), deleteFollows: mine.includes(`d ${id}`, i + 1) }).toEqual({ late: id, deleted: true, deleteFollows: true });
        }
      }
      for (const id of posted) {
        const times = all.filter((x) => x === id).length;
        if (deleted.has(id)) expect(times).toBeLessThanOrEqual(1);
        else if (times !== 1) expect({ id, times, inGap: gaps.some((g) => BigInt(id) > BigInt(g.sinceId ?? '0')) }).toEqual({ id, times: 0, inGap: true });
      }
      await f.close();
    }),
    // A new seed every run (fast-check prints it, with the path, when the property fails); FC_SEED
    // replays one.
    { numRuns: RUNS, seed: process.env.FC_SEED ? Number(process.env.FC_SEED) : undefined },
  );
});
