/** The dispatch rule, CallbackStreamListener, listener-error isolation. */
import { afterEach, describe, expect, it, vi } from 'vitest';
import { CallbackStreamListener, Mastodon, StreamListener, type StreamHandle } from '../../src/index.js';
import { Dispatcher, type Listener } from '../../src/listener.js';
import { record, until, useWireServer, type Call } from '../kit/index.js';

afterEach(() => void vi.restoreAllMocks());
const { start: startServer, keep } = useWireServer();
const hold = (h: StreamHandle) => void keep(h);

describe('dispatch rule', () => {
  it('method names: on + each part split on . and _, capitalised; reserved names are unknown events', () => {
    const methods = ['onUpdate', 'onStatusUpdate', 'onSomeNewEvent', 'onFiltersChanged', 'onNotificationsMerged', 'onAbort', 'onAnyEvent', 'onUnknownEvent', 'onListenerError'];
    const r = record(methods.filter((m) => m !== 'onAnyEvent'));
    const d = new Dispatcher(r.listener, ['user']);
    // Each name twice: the second time the name comes from the cache.
    for (let i = 0; i < 2; i++)
      for (const name of ['update', 'status.update', 'some.new_event', 'filters_changed', 'notifications_merged', 'abort', 'any_event', 'unknown.event', 'listener_error'])
        d._event(name, name);
    const once = [
      ['onUpdate', 'update'],
      ['onStatusUpdate', 'status.update'],
      ['onSomeNewEvent', 'some.new_event'],
      ['onFiltersChanged', 'filters_changed'],
      ['onNotificationsMerged', 'notifications_merged'],
      ['onUnknownEvent', 'abort', 'abort'],
      ['onUnknownEvent', 'any_event', 'any_event'],
      ['onUnknownEvent', 'unknown.event', 'unknown.event'],
      ['onUnknownEvent', 'listener_error', 'listener_error'],
    ];
    expect(r.calls).toEqual([...once, ...once]);
  });

  it('some.new_event → onSomeNewEvent; onAnyEvent first, with forStream', () => {
    const r = record(['onAnyEvent', 'onSomeNewEvent', 'onUnknownEvent']);
    const d = new Dispatcher(r.listener, ['hashtag', 'cats']);
    d._event('some.new_event', { x: 1 });
    expect(r.calls).toEqual([
      ['onAnyEvent', 'some.new_event', { x: 1 }, ['hashtag', 'cats']],
      ['onSomeNewEvent', { x: 1 }],
    ]);
  });

  it('an event named abort (or any_event, unknown_event) reaches onUnknownEvent, never the machinery', () => {
    const r = record(['onAnyEvent', 'onAbort', 'onUnknownEvent', 'onListenerError']);
    const d = new Dispatcher(r.listener, ['user']);
    d._event('abort', { a: 1 });
    d._event('any_event', '2');
    d._event('unknown_event', '3');
    d._event('listener_error', '4');
    expect(r.calls).toEqual([
      ['onAnyEvent', 'abort', { a: 1 }, ['user']],
      ['onUnknownEvent', 'abort', { a: 1 }],
      ['onAnyEvent', 'any_event', '2', ['user']],
      ['onUnknownEvent', 'any_event', '2'],
      ['onAnyEvent', 'unknown_event', '3', ['user']],
      ['onUnknownEvent', 'unknown_event', '3'],
      ['onAnyEvent', 'listener_error', '4', ['user']],
      ['onUnknownEvent', 'listener_error', '4'],
    ]);
  });

  it('onAnyEvent also for unknown events; a listener without the method gets onUnknownEvent', () => {
    const r = record(['onAnyEvent', 'onUnknownEvent']);
    const d = new Dispatcher(r.listener, ['user']);
    d._event('update', { id: '1' });
    d._event('delete', '2');
    expect(r.calls).toEqual([
      ['onAnyEvent', 'update', { id: '1' }, ['user']],
      ['onUnknownEvent', 'update', { id: '1' }],
      ['onAnyEvent', 'delete', '2', ['user']],
      ['onUnknownEvent', 'delete', '2'],
    ]);
  });

  it('filters_changed → onFiltersChanged() with no argument; only methods count', () => {
    const r = record(['onFiltersChanged', 'onUnknownEvent']);
    const l = Object.assign(r.listener, { onNotAMethod: 'string' }) as Listener;
    const d = new Dispatcher(l, ['user']);
    d._event('filters_changed', undefined);
    d._event('not_a_method', {});
    expect(r.calls).toEqual([['onFiltersChanged'], ['onUnknownEvent', 'not_a_method', {}]]);
  });

  it('StreamListener subclasses: methods via the prototype, `this` bound', () => {
    const got: unknown[] = [];
    class L extends StreamListener {
      tag = 'me';
      override onUpdate(s: unknown) {
        got.push([this.tag, s]);
      }
      onBlahblah(p: unknown) {
        got.push(['blah', this.tag, p]);
      }
    }
    const d = new Dispatcher(new L(), ['user']);
    d._event('update', { id: '1' });
    d._event('blahblah', {});
    d._event('unheard.of', {}); // the default onUnknownEvent: a no-op
    expect(got).toEqual([['me', { id: '1' }], ['blah', 'me', {}]]);
  });

  it('an inactive dispatcher (closed handle) calls nothing', () => {
    const r = record(['onUpdate', 'handleHeartbeat', 'onAbort', 'onAnyEvent']);
    const d = new Dispatcher(r.listener, ['user']);
    d._active = false;
    d._event('update', {});
    d._call('handleHeartbeat');
    d._call('onAbort', new Error('x'));
    expect(r.calls).toEqual([]);
  });
});

describe('CallbackStreamListener', () => {
  it('every handler, named as Mastodon.py keyword arguments', () => {
    const calls: Call[] = [];
    const h = (name: string) => (...args: unknown[]) => void calls.push([name, ...args]);
    const l = new CallbackStreamListener({
      updateHandler: h('update'),
      localUpdateHandler: h('localUpdate'),
      deleteHandler: h('delete'),
      notificationHandler: h('notification'),
      conversationHandler: h('conversation'),
      unknownEventHandler: h('unknown'),
      statusUpdateHandler: h('statusUpdate'),
      filtersChangedHandler: h('filtersChanged'),
      announcementHandler: h('announcement'),
      announcementReactionHandler: h('announcementReaction'),
      announcementDeleteHandler: h('announcementDelete'),
      encryptedMessageHandler: h('encryptedMessage'),
      heartbeatHandler: h('heartbeat'),
      abortHandler: h('abort'),
      anyEventHandler: h('any'),
    });
    const d = new Dispatcher(l, ['user']);
    const local = { id: '1', account: { acct: 'alice' } };
    const remote = { id: '2', account: { acct: 'bob@remote.example' } };
    d._event('update', local);
    d._event('update', remote);
    d._event('status.update', remote);
    d._event('delete', '3');
    d._event('notification', { id: '4' });
    d._event('conversation', { id: '5' });
    d._event('filters_changed', undefined);
    d._event('announcement', { id: '6' });
    d._event('announcement.reaction', { name: 'x', count: 1, announcement_id: '6' });
    d._event('announcement.delete', '6');
    d._event('encrypted_message', { e: 1 });
    d._event('weird.thing', { w: 1 });
    d._call('handleHeartbeat');
    const err = new Error('boom');
    d._call('onAbort', err);
    const nonAny = calls.filter((c) => c[0] !== 'any');
    expect(nonAny).toEqual([
      ['update', local],
      ['localUpdate', local],
      ['update', remote],
      ['statusUpdate', remote],
      ['delete', '3'],
      ['notification', { id: '4' }],
      ['conversation', { id: '5' }],
      ['filtersChanged'],
      ['announcement', { id: '6' }],
      ['announcementReaction', { name: 'x', count: 1, announcement_id: '6' }],
      ['announcementDelete', '6'],
      ['encryptedMessage', { e: 1 }],
      ['unknown', 'weird.thing', { w: 1 }],
      ['heartbeat'],
      ['abort', err],
    ]);
    expect(calls.filter((c) => c[0] === 'any').map((c) => c[1])).toEqual([
      'update', 'update', 'status.update', 'delete', 'notification', 'conversation', 'filters_changed',
      'announcement', 'announcement.reaction', 'announcement.delete', 'encrypted_message', 'weird.thing',
    ]);
    expect(calls[0]).toEqual(['any', 'update', local, ['user']]);
  });

  it('localUpdateHandler alone: only accts without @; an update without account is local', () => {
    const got: unknown[] = [];
    const d = new Dispatcher(new CallbackStreamListener({ localUpdateHandler: (s) => got.push(s.id) }), ['public:local']);
    d._event('update', { id: 'a', account: { acct: 'x@y' } });
    d._event('update', { id: 'b', account: { acct: 'x' } });
    d._event('update', { id: 'c' });
    expect(got).toEqual(['b', 'c']);
  });

  it('no handlers: every event, a heartbeat and an abort are dropped quietly', () => {
    const errors = vi.spyOn(console, 'error').mockImplementation(() => {});
    try {
      const d = new Dispatcher(new CallbackStreamListener(), ['user']);
      expect(d._event('update', { id: '1' })).toBeUndefined();
      expect(d._event('x', {})).toBeUndefined();
      expect(d._call('handleHeartbeat')).toBe(true);
      expect(d._call('onAbort', new Error('gone'))).toBe(true);
      // Nothing was reported as a listener error (a missing handler is not an error).
      expect(errors).not.toHaveBeenCalled();
    } finally {
      errors.mockRestore();
    }
  });
});

describe('a throwing listener', () => {
  it('does not stop later events; the error goes to onListenerError(err, "onUpdate")', async () => {
    const s = await startServer();
    const m = new Mastodon({ apiBaseUrl: s.url, accessToken: 'tok-abc123', streamingBaseUrl: s.url });
    const boom = new Error('listener bug');
    const spy = vi.spyOn(console, 'error').mockImplementation(() => {});
    const r = record(['onDelete', 'handleHeartbeat', 'onAbort'], {
      onUpdate: () => {
        throw boom;
      },
      onListenerError: () => {},
    });
    hold(m.streamUser(r.listener, { runAsync: true }));
    await s.waitForConns(1);
    await s.write('event: update\ndata: {"id":"1"}\n\nevent: delete\ndata: 2\n\n');
    await until(() => r.calls.length === 4);
    expect(r.calls).toEqual([['handleHeartbeat'], ['onUpdate', { id: '1' }], ['onListenerError', boom, 'onUpdate'], ['onDelete', '2']]);
    expect(spy).not.toHaveBeenCalled();
  });

  it('without onListenerError: console.error, and the next event is still delivered', () => {
    const spy = vi.spyOn(console, 'error').mockImplementation(() => {});
    const boom = new Error('listener bug');
    const r = record(['onDelete'], {
      handleHeartbeat: () => {
        throw boom;
      },
    });
    const d = new Dispatcher(r.listener, ['user']);
    d._call('handleHeartbeat');
    d._event('delete', '9');
    expect(r.calls).toEqual([['handleHeartbeat'], ['onDelete', '9']]);
    expect(spy.mock.calls).toEqual([['mastodon-streaming: handleHeartbeat threw', boom]]);
  });

  it('a throwing onListenerError falls back to console.error with its error', () => {
    const spy = vi.spyOn(console, 'error').mockImplementation(() => {});
    const inner = new Error('handler bug');
    const d = new Dispatcher(
      {
        onUpdate() {
          throw new Error('outer');
        },
        onListenerError() {
          throw inner;
        },
      },
      ['user'],
    );
    d._event('update', {});
    expect(spy.mock.calls).toEqual([['mastodon-streaming: onUpdate threw', inner]]);
  });

  it('a throwing onAbort does not break the reconnect', async () => {
    const s = await startServer();
    const m = new Mastodon({ apiBaseUrl: s.url, accessToken: 'tok-abc123', streamingBaseUrl: s.url });
    const errs: string[] = [];
    const r = record(['handleHeartbeat'], {
      onAbort: () => {
        throw new Error('abort bug');
      },
      onListenerError: (_e, name) => void errs.push(name as string),
    });
    hold(m.streamUser(r.listener, { runAsync: true, reconnectAsync: true, reconnectAsyncWaitSec: 0.02 }));
    await until(() => r.calls.length === 1);
    s.drop();
    await s.waitForConns(2);
    await until(() => r.names().filter((n) => n === 'handleHeartbeat').length === 2);
    expect(errs).toEqual(['onAbort']);
  });
});
