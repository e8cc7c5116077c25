/** `mastodon.stream(name)`: async iteration over typed events. */
import { describe, expect, it } from 'vitest';
import { Mastodon, MastodonNetworkError, type StreamEvent, type UnknownStreamEvent } from '../../src/index.js';
import { sleep, until, useWireServer, type TestServer } from '../kit/index.js';

const { start: startServer } = useWireServer();
let s: TestServer;
const client = () => new Mastodon({ apiBaseUrl: s.url, accessToken: 'tok-abc123', streamingBaseUrl: s.url });

describe('mastodon.stream()', () => {
  it('yields events in order, discriminated on event; no heartbeats; break closes the connection', async () => {
    s = await startServer({ heartbeatMs: 20 });
    const got: (StreamEvent | UnknownStreamEvent)[] = [];
    const it = client().stream('user');
    const writer = (async () => {
      await s.waitForConns(1);
      await s.write(
        'event: update\ndata: {"id":"117024236332527350"}\n\n:thump\n\nevent: delete\ndata: 117024236332527350\n\n' +
          'event: some.new_event\ndata: {"k":"v"}\n\nevent: notifications_merged\ndata: 1\n\nevent: status.update\ndata: {"id":"5"}\n\n',
      );
    })();
    for await (const e of it) {
      got.push(e);
      if (e.event === 'delete') {
        const id: string = e.payload; // typed as string
        expect(id).toBe('117024236332527350');
      }
      if (e.event === 'status.update') break;
    }
    await writer;
    expect(got).toEqual([
      { event: 'update', payload: { id: '117024236332527350' }, stream: ['user'] },
      { event: 'delete', payload: '117024236332527350', stream: ['user'] },
      { event: 'unknown', name: 'some.new_event', payload: { k: 'v' }, stream: ['user'] },
      { event: 'notifications_merged', payload: '1', stream: ['user'] },
      { event: 'status.update', payload: { id: '5' }, stream: ['user'] },
    ]);
    await until(() => s.conns[0]!.closed, { what: 'server sees the close' });
    expect(await it.next()).toEqual({ value: undefined, done: true });
  });

  it('hashtag with params: the request and the stream name', async () => {
    s = await startServer();
    const it = client().stream('hashtag:local', { tag: 'café' });
    await s.waitForConns(1);
    await s.write('event: update\ndata: {"id":"1"}\n\n');
    const first = await it.next();
    expect(first).toEqual({ value: { event: 'update', payload: { id: '1' }, stream: ['hashtag:local', 'café'] }, done: false });
    expect(s.streamRequests().map((q) => q.url)).toEqual(['/api/v1/streaming/hashtag/local?tag=caf%C3%A9']);
    await it.return!();
    await until(() => s.conns[0]!.closed);
  });

  it('signal ends the loop without an error', async () => {
    s = await startServer();
    const ac = new AbortController();
    const got: string[] = [];
    const loop = (async () => {
      for await (const e of client().stream('user', undefined, { signal: ac.signal })) got.push(e.event);
    })();
    await s.waitForConns(1);
    await s.write('event: delete\ndata: 1\n\n');
    await until(() => got.length === 1);
    ac.abort();
    await expect(loop).resolves.toBeUndefined();
    expect(got).toEqual(['delete']);
    await until(() => s.conns[0]!.closed);
  });

  it('a fatal error (401) is thrown from the loop', async () => {
    s = await startServer();
    s.failNext(1, { status: 401, body: '{"error":"Invalid access token"}' });
    let thrown: unknown;
    try {
      for await (const _ of client().stream('user', undefined, { reconnectAsync: true, reconnectAsyncWaitSec: 0.02 })) {
        expect.unreachable();
      }
    } catch (e) {
      thrown = e;
    }
    expect(thrown).toBeInstanceOf(MastodonNetworkError);
    expect((thrown as MastodonNetworkError).status).toBe(401);
    expect((thrown as MastodonNetworkError).serverMessage).toBe('Invalid access token');
    await sleep(50);
    expect(s.streamRequests().length).toBe(1);
  });

  it('with reconnectAsync, events keep coming across a drop', async () => {
    s = await startServer();
    const it = client().stream('user', undefined, { reconnectAsync: true, reconnectAsyncWaitSec: 0.02 });
    await s.waitForConns(1);
    await s.write('event: delete\ndata: 1\n\n');
    expect((await it.next()).value).toEqual({ event: 'delete', payload: '1', stream: ['user'] });
    s.drop();
    await s.waitForConns(2);
    await s.write('event: delete\ndata: 2\n\n');
    expect((await it.next()).value).toEqual({ event: 'delete', payload: '2', stream: ['user'] });
    await it.return!();
  });

  it('an unknown stream name throws MastodonIllegalArgumentError', () => {
    expect(() => new Mastodon({ apiBaseUrl: 'x.example' }).stream('nope' as 'user')).toThrow('Unknown stream type: nope');
  });
});
