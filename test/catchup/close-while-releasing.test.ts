/**
 * `close()` from a listener while a catch-up delivers a page, or releases the live events it
 * held: the items after it are not delivered, and the position stays at the last one the
 * listener got (an app that saves `position()` after `close()` and resumes from it loses
 * nothing); no timer is left. In virtual time, on the catch-up itself, closed as the handle
 * closes it.
 */
import { expect, it } from 'vitest';
import type { RestBudget } from '../../src/catchup/budget.js';
import { catchUp } from '../../src/catchup/index.js';
import { Dispatcher } from '../../src/listener.js';
import type { ResolvedStreamOptions } from '../../src/options.js';
import { FakeClock } from '../kit/index.js';

/** A hashtag stream resuming from update 5, whose listener closes it on update 7; `page`: what the REST read answers (when `answer` is called). */
function resuming(page: string) {
  let answer!: () => void;
  const fetchFn = (() => new Promise<Response>((resolve) => (answer = () => resolve(new Response(page))))) as typeof fetch;
  const budget: RestBudget = () => 0;
  const got: string[] = [];
  const spec = ['hashtag', 'cats'] as const;
  // As handle.close() does: the dispatcher goes quiet, then the gate closes.
  const close = () => ((d._active = false), g._close());
  const d = new Dispatcher({ onUpdate: (s: { id: string }) => (got.push(s.id), s.id == '7' && close()) }, spec);
  const opts = { catchUp: { from: { stream: spec, ids: { update: '5' } } }, catchUpMaxItems: 400, timeoutSec: 60 } as unknown as ResolvedStreamOptions;
  const g = catchUp(d, spec, fetchFn, 'https://mastodon.example', 'tok', opts, budget);
  g._opened(false);
  return { g, got, answer: () => answer() };
}

it('close() in the listener while a page is delivered: the rest are not delivered, and the position stays put', async () => {
  const clock = new FakeClock().install();
  try {
    const { g, got, answer } = resuming(JSON.stringify(['9', '8', '7', '6'].map((id) => ({ id }))));
    await clock.flush();
    answer();
    await clock.flush();
    expect(got).toEqual(['6', '7']);
    expect(g._position()).toEqual({ stream: ['hashtag', 'cats'], ids: { update: '7' } });
    await clock.advance(2000);
    expect(clock.pending()).toBe(0);
  } finally {
    clock.uninstall();
  }
});

it('close() in the listener while held live events are released: the rest are not delivered, and the position stays put', async () => {
  const clock = new FakeClock().install();
  try {
    const { g, got, answer } = resuming('[]');
    // Live while the catch-up reads: held.
    for (const id of ['6', '7', '8', '9']) g._event('update', { id });
    expect(got).toEqual([]);
    await clock.flush();
    answer();
    await clock.flush();
    expect(got).toEqual(['6', '7']);
    expect(g._position()).toEqual({ stream: ['hashtag', 'cats'], ids: { update: '7' } });
    await clock.advance(2000);
    expect(clock.pending()).toBe(0);
  } finally {
    clock.uninstall();
  }
});
