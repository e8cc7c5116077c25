/** The dispatcher's event-name cache is capped (a hostile server sending ever new names cannot grow it): past the cap, names are still dispatched right. */
import { expect, it } from 'vitest';
import { Dispatcher } from '../../src/listener.js';
import { record } from '../kit/index.js';

it('600 distinct event names, each twice: every one reaches its own method (or onUnknownEvent), past the cache cap too', () => {
  const names = Array.from({ length: 600 }, (_, i) => `new_event.n${i}`);
  // Every third name has a method: on + NewEventN<i>.
  const r = record(['onUnknownEvent', ...names.filter((_, i) => i % 3 == 0).map((_, j) => `onNewEventN${j * 3}`)]);
  const d = new Dispatcher(r.listener, ['user']);
  for (let round = 0; round < 2; round++) for (const n of names) d._event(n, n);
  const once = names.map((n, i) => (i % 3 == 0 ? [`onNewEventN${i}`, n] : ['onUnknownEvent', n, n]));
  expect(r.calls).toEqual([...once, ...once]);
});
