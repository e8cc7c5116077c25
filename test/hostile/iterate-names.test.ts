/**
 * `mastodon.stream()` yields a typed event only for the exact names of StreamEventMap: a near
 * name (one the listener method rule maps onto a known method, or a prototype name) is
 * `unknown`, with the name as sent; a non-string name (WebSocket JSON can carry any) is
 * nothing at all.
 */
import { describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { Mastodon } from '../../src/index.js';
import { until, useCleanup } from '../kit/index.js';
import { hostileServer, hostileWsServer, sse } from '../kit/hostile-server.js';

const { keep } = useCleanup();

/** The first `n` items of a stream() loop, then break (which closes the stream). */
async function take(it: AsyncIterable<unknown>, n: number): Promise<unknown[]> {
  const got: unknown[] = [];
  for await (const e of it) if (got.push(e) >= n) break;
  return got;
}

describe('stream(): exact event names only', () => {
  it('status_update, Update, delete_, STATUS.UPDATE, toString, __proto__: unknown, with the name as sent', async () => {
    const events = [
      ['status_update', '{"id":"1"}'],
      ['Update', '{"id":"2"}'],
      ['delete_', '3'],
      ['STATUS.UPDATE', '{"id":"4"}'],
      ['update.', '{"id":"5"}'],
      ['toString', '{"id":"6"}'],
      ['__proto__', '{"id":"7"}'],
      ['hasOwnProperty', '8'],
      ['status.update', '{"id":"9"}'],
      ['delete', '10'],
    ];
    const s = keep(await hostileServer((_req, res) => sse(res, events.map(([e, d]) => `event: ${e}\ndata: ${d}\n\n`).join(''))));
    const m = new Mastodon({ apiBaseUrl: s.url, streamingBaseUrl: s.url, accessToken: 'tok' });
    const got = await take(m.stream('user'), events.length);
    const user = ['user'];
    // c136974: the first three (and STATUS.UPDATE) came as { event: 'status_update', … } typed as the known events.
    expect(got).toEqual([
      { event: 'unknown', name: 'status_update', payload: { id: '1' }, stream: user },
      { event: 'unknown', name: 'Update', payload: { id: '2' }, stream: user },
      { event: 'unknown', name: 'delete_', payload: '3', stream: user },
      { event: 'unknown', name: 'STATUS.UPDATE', payload: { id: '4' }, stream: user },
      { event: 'unknown', name: 'update.', payload: { id: '5' }, stream: user },
      { event: 'unknown', name: 'toString', payload: { id: '6' }, stream: user },
      { event: 'unknown', name: '__proto__', payload: { id: '7' }, stream: user },
      { event: 'unknown', name: 'hasOwnProperty', payload: '8', stream: user },
      { event: 'status.update', payload: { id: '9' }, stream: user },
      { event: 'delete', payload: '10', stream: user },
    ]);
  });

  it('over WebSocket, ["update"] and 42 are not yielded at all; the next real event is', async () => {
    const { wss, url } = keep(await hostileWsServer());
    wss.on('connection', (socket) => {
      socket.on('message', (data) => {
        if ((JSON.parse(String(data)) as { type: string }).type != 'subscribe') return;
        for (const event of [['update'], 42, null, { toString: 'update' }]) socket.send(JSON.stringify({ stream: ['user'], event, payload: '{"id":"1"}' }));
        socket.send(JSON.stringify({ stream: ['user'], event: 'delete', payload: '7' }));
      });
    });
    const m = new Mastodon({ apiBaseUrl: url, streamingBaseUrl: url, accessToken: 'tok', transport: 'websocket', WebSocket });
    const got = await take(m.stream('user'), 1);
    expect(got).toEqual([{ event: 'delete', payload: '7', stream: ['user'] }]);
    await until(() => [...wss.clients].length == 0, { what: 'the socket closed by break' });
  });
});
