// The socket adapter after `_end()`: the supervisor has moved on (a reset, close()), so nothing
// the old socket does later (its close event, a late message or ping) reaches it.
import { describe, expect, test } from 'vitest';
import { MemoryEmitterSocket, MemorySocket } from '../kit/index.js';
import { openSocket } from '../../src/transport/ws/adapter.js';

const recorder = () => {
  const heard: unknown[] = [];
  const on = {
    _open: () => heard.push('open'),
    _message: (data: string) => heard.push(['message', data]),
    _alive: () => heard.push('ping'),
    _close: (code: number) => heard.push(['close', code]),
  };
  return { heard, on };
};

describe('adapter: _end()', () => {
  test('a standard WebSocket is closed, and its later open, message and close events are not reported', () => {
    MemorySocket.made = [];
    const { heard, on } = recorder();
    const s = openSocket(MemorySocket, 'http://s.example', { accessToken: 'tok' }, 1000, on);
    const raw = MemorySocket.made[0]!;
    raw.open();
    raw.say({ a: 1 });
    s._end();
    expect(raw.closed).toBe(1);
    raw.open();
    raw.say({ a: 2 });
    raw.drop(1005);
    expect(heard).toEqual(['open', ['message', '{"a":1}']]);
  });

  test('ws: terminated, and its later ping and close are not reported', () => {
    MemorySocket.made = [];
    const { heard, on } = recorder();
    const s = openSocket(MemoryEmitterSocket, 'http://s.example', { accessToken: 'tok' }, 1000, on);
    const raw = MemorySocket.made[0] as MemoryEmitterSocket;
    raw.listeners.ping!();
    raw.drop(1000);
    s._end();
    raw.listeners.ping!();
    raw.drop(1006);
    expect(raw.terminated).toBe(1);
    expect(heard).toEqual(['ping', ['close', 1000]]);
  });
});
