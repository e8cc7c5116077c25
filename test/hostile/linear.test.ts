/**
 * No server string meets a pattern that backtracks: pathological discovered URLs are parsed in
 * linear time (the event loop is blocked for well under 50 ms), and still parsed right.
 */
import { describe, expect, it } from 'vitest';
import { Mastodon } from '../../src/index.js';
import { streamingBaseFrom } from '../../src/url.js';
import { useCleanup } from '../kit/index.js';
import { answer, hostileServer } from '../kit/hostile-server.js';

const { keep } = useCleanup();

/** The shortest of three timings of `fn` (one preempted run on a loaded machine does not count). */
const fastest = (fn: () => void): number => {
  let best = Infinity;
  for (let i = 0; i < 3; i++) {
    const t = performance.now();
    fn();
    best = Math.min(best, performance.now() - t);
  }
  return best;
};

const KB100 = 100 * 1024;
const PATHOLOGICAL = [
  // c136974: `.+?\/*$` tried every split of the slashes: about 5 s for 100 KB.
  'wss://a' + '/'.repeat(KB100) + 'b c',
  'wss://' + '/'.repeat(KB100) + 'x y',
  'https://' + 'a/'.repeat(KB100 / 2) + ' x',
  'https://s.example' + '/'.repeat(KB100) + '\n/x',
];

describe('discovered URLs in linear time', () => {
  it('100 KB pathological values: each parsed in < 50 ms', () => {
    for (const v of PATHOLOGICAL) expect(fastest(() => streamingBaseFrom(v))).toBeLessThan(50);
  });

  it('and parsed right: junk refused, trailing slashes dropped', () => {
    expect(PATHOLOGICAL.map((v) => streamingBaseFrom(v))).toEqual([undefined, undefined, undefined, undefined]);
    expect(streamingBaseFrom('wss://s.example' + '/'.repeat(KB100))).toBe('https://s.example');
    expect(streamingBaseFrom(' WSS://s.example:4000/p//')).toBe('https://s.example:4000/p');
    expect(streamingBaseFrom('http://s.example/a/b/')).toBe('http://s.example/a/b');
    expect(streamingBaseFrom('https://')).toBeUndefined();
    expect(streamingBaseFrom('https:////')).toBeUndefined();
    expect(streamingBaseFrom('https://a b')).toBeUndefined();
    expect(streamingBaseFrom('mastodon.example')).toBeUndefined();
    expect(streamingBaseFrom('mastodon.example/', 'https://')).toBe('https://mastodon.example');
  });

  it('through discovery: a 100 KB hostile value is refused and the API host used, without blocking', async () => {
    const value = 'wss://a' + '/'.repeat(KB100) + 'b c';
    const s = keep(
      await hostileServer((req, res) => {
        if (req.url == '/api/v2/instance') return answer(res, 200, JSON.stringify({ configuration: { urls: { streaming: value } } }));
        answer(res, 404, '{"error":"Record not found"}');
      }),
    );
    const m = new Mastodon({ apiBaseUrl: s.url });
    const t = performance.now();
    expect(await m.streamingBase()).toBe(s.url);
    // Bound generously: this includes two HTTP round trips on a loaded machine.
    expect(performance.now() - t).toBeLessThan(2000);
  });
});
