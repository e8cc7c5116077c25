// The subscription table and refusal attribution of one socket (src/transport/ws/ledger.ts),
// alone: no socket. What goes out, in order, and who each refusal is blamed on.
import { describe, expect, test } from 'vitest';
import { frame, keyOf, ledger, State } from '../../src/transport/ws/ledger.js';
import { streamSpec, type StreamSpec } from '../../src/streams.js';

const MARKER = '{"type":"unsubscribe","stream":"ping"}';
const LIST_MARKER = '{"type":"unsubscribe","stream":"list","list":"0"}';
const want = (...specs: StreamSpec[]) => specs.map((s) => ({ _key: keyOf(s), _spec: s }));
const sub = (s: StreamSpec) => frame('subscribe', s);
/** What `_next` sends, in order. */
const next = (l: ReturnType<typeof ledger>, wanted: ReturnType<typeof want>) => {
  const sent: string[] = [];
  l._next(wanted, (text) => sent.push(text));
  return sent;
};
/** What `_probe` sends. */
const probe = (l: ReturnType<typeof ledger>) => {
  const sent: string[] = [];
  l._probe((text) => sent.push(text));
  return sent;
};
const user = streamSpec('user');
const cats = streamSpec('hashtag', { tag: 'Cats' });
const l98 = streamSpec('list', { list: '98' });
const l99 = streamSpec('list', { list: '99' });
const NOT_LIST = 'Not authorized to stream this list';
const states = (l: ReturnType<typeof ledger>) => Object.fromEntries([...l._on].map(([k, [, st]]) => [k, st]));

describe('ledger', () => {
  test('frames: subscribe and unsubscribe as Mastodon reads them; hashtag keys ignore case', () => {
    expect(frame('subscribe', cats)).toBe('{"type":"subscribe","stream":"hashtag","tag":"Cats"}');
    expect(frame('unsubscribe', l99)).toBe('{"type":"unsubscribe","stream":"list","list":"99"}');
    expect(frame('subscribe', user)).toBe('{"type":"subscribe","stream":"user"}');
    expect(keyOf(cats)).toBe(keyOf(['hashtag', 'CATS']));
  });

  test('one marker per round trip: what is wanted goes out with one marker; what is wanted meanwhile goes out at once, its marker after the answer', () => {
    const l = ledger();
    expect(next(l, want(user, cats))).toEqual([sub(user), sub(cats), MARKER]);
    // Subscribed at once (a server that answers no marker must not hold it back), no marker yet.
    expect(next(l, want(user, cats, l99))).toEqual([sub(l99)]);
    expect(states(l)).toEqual({ [keyOf(user)]: State.Batch, [keyOf(cats)]: State.Batch, [keyOf(l99)]: State.Sent });
    // A list refusal now can only be the list's (in the air, though not in the batch in flight).
    l._answered();
    expect(states(l)).toEqual({ [keyOf(user)]: State.Settled, [keyOf(cats)]: State.Settled, [keyOf(l99)]: State.Sent });
    // Its batch ends with the marker that takes the list's (database) road.
    expect(next(l, want(user, cats, l99))).toEqual([LIST_MARKER]);
    expect(next(l, want(user, cats, l99))).toEqual([]);
    l._answered();
    expect(states(l)).toEqual({ [keyOf(user)]: State.Settled, [keyOf(cats)]: State.Settled, [keyOf(l99)]: State.Settled });
  });

  test('a stream sent while a marker is awaited is a suspect of that window; rechecks wait for its marker, and new streams for the rechecks', () => {
    const l = ledger();
    next(l, want(user, cats));
    expect(next(l, want(user, cats, l99))).toEqual([sub(l99)]);
    // The only list in the air: the list refusal is its.
    expect(l._refused(NOT_LIST)).toEqual(l99);
    expect(l._on.has(keyOf(l99))).toBe(false);
    expect(next(l, want(user, cats, l98))).toEqual([sub(l98)]);
    // Kind unknown: the user stream, the hashtag and list 98 are all in the air: rechecked, nobody blamed.
    expect(l._refused('Access token does not have the required scopes')).toBeUndefined();
    l._answered();
    expect(next(l, want(user, cats, l98))).toEqual([sub(user), MARKER]);
    // While a recheck is in flight, a new stream waits (the recheck must be alone to be exact).
    expect(next(l, want(user, cats, l98, l99))).toEqual([]);
    l._answered();
    expect(next(l, want(user, cats, l98, l99))).toEqual([sub(cats), MARKER]);
    l._answered();
    expect(next(l, want(user, cats, l98, l99))).toEqual([sub(l98), LIST_MARKER]);
    l._answered();
    expect(next(l, want(user, cats, l98, l99))).toEqual([sub(l99), LIST_MARKER]);
    l._answered();
    expect(Object.values(states(l))).toEqual([State.Settled, State.Settled, State.Settled, State.Settled]);

    // Two lists in flight, a hashtag sent meanwhile, a list refusal: the lists are rechecked
    // after the hashtag's own marker (it is in the air, and a recheck must be alone).
    const m = ledger();
    next(m, want(l98, l99));
    next(m, want(l98, l99, cats));
    expect(m._refused(NOT_LIST)).toBeUndefined();
    m._answered();
    expect(next(m, want(l98, l99, cats))).toEqual([MARKER]);
    m._answered();
    expect(states(m)).toEqual({ [keyOf(l98)]: State.Recheck, [keyOf(l99)]: State.Recheck, [keyOf(cats)]: State.Settled });
    expect(next(m, want(l98, l99, cats))).toEqual([sub(l98), LIST_MARKER]);
  });

  test('a refusal in flight that names a list is the only list of the batch', () => {
    const l = ledger();
    next(l, want(user, l99, cats));
    const blamed = l._refused(NOT_LIST);
    expect(blamed).toEqual(l99);
    expect(l._on.has(keyOf(l99))).toBe(false);
    l._answered();
    expect(states(l)).toEqual({ [keyOf(user)]: State.Settled, [keyOf(cats)]: State.Settled });
  });

  test('two lists in flight and two refusals: each list is rechecked alone, then blamed exactly', () => {
    const l = ledger();
    next(l, want(user, l98, l99));
    expect(l._refused(NOT_LIST)).toBeUndefined();
    expect(l._refused(NOT_LIST)).toBeUndefined();
    l._answered();
    expect(states(l)).toEqual({ [keyOf(user)]: State.Settled, [keyOf(l98)]: State.Recheck, [keyOf(l99)]: State.Recheck });
    expect(next(l, want(user, l98, l99))).toEqual([sub(l98), LIST_MARKER]);
    expect(l._refused(NOT_LIST)).toEqual(l98);
    l._answered();
    expect(next(l, want(user, l99))).toEqual([sub(l99), LIST_MARKER]);
    // 99 was fine after all: its marker comes back with no refusal.
    l._answered();
    expect(states(l)).toEqual({ [keyOf(user)]: State.Settled, [keyOf(l99)]: State.Settled });
    expect(next(l, want(user, l99))).toEqual([]);
  });

  test('a stream proven by an event is never blamed; a refusal nobody can have earned blames nobody', () => {
    const l = ledger();
    next(l, want(user, cats));
    l._on.get(keyOf(cats))![1] = State.Proven;
    // Only the user stream is left: it is the one.
    expect(l._refused('An unexpected error occurred')).toEqual(user);
    l._answered();
    // A late refusal about a list: there is no list, so nobody.
    expect(l._refused(NOT_LIST)).toBeUndefined();
    expect(states(l)).toEqual({ [keyOf(cats)]: State.Proven });
    expect(next(l, want(cats))).toEqual([]);
  });

  test('a late refusal (after the marker) with several settled suspects rechecks them; a single one is blamed', () => {
    const l = ledger();
    next(l, want(user, cats, l99));
    l._answered();
    expect(l._refused(NOT_LIST)).toEqual(l99);
    expect(l._refused('Access token does not have the required scopes')).toBeUndefined();
    expect(states(l)).toEqual({ [keyOf(user)]: State.Recheck, [keyOf(cats)]: State.Recheck });
    expect(next(l, want(user, cats))).toEqual([sub(user), MARKER]);
  });

  test('probes: one marker at a time, and none while a batch awaits its own', () => {
    const l = ledger();
    expect(probe(l)).toEqual([MARKER]);
    expect(probe(l)).toEqual([]);
    l._answered();
    expect(l._flying).toBe(0);
    next(l, want(user));
    expect(l._flying).toBeGreaterThan(0);
    expect(probe(l)).toEqual([]);
    l._answered();
    expect(l._flying).toBe(0);
    expect(states(l)).toEqual({ [keyOf(user)]: State.Settled });
    expect(probe(l)).toEqual([MARKER]);
  });

  test('a probe sent before a batch is answered first: the batch settles at the next answer', () => {
    const l = ledger();
    expect(probe(l)).toEqual([MARKER]);
    expect(next(l, want(user))).toEqual([sub(user), MARKER]);
    l._answered();
    expect(states(l)).toEqual({ [keyOf(user)]: State.Batch });
    l._answered();
    expect(states(l)).toEqual({ [keyOf(user)]: State.Settled });
  });

  test('a mute socket (its marker unanswered for a probe period): batches settle as they go out, with no marker; no probe; an answer ends it', () => {
    const l = ledger();
    expect(next(l, want(user))).toEqual([sub(user), MARKER]);
    l._answered(1);
    expect([states(l), l._flying]).toEqual([{ [keyOf(user)]: State.Settled }, 0]);
    expect(next(l, want(user, l99))).toEqual([sub(l99)]);
    expect([states(l), l._flying]).toEqual([{ [keyOf(user)]: State.Settled, [keyOf(l99)]: State.Settled }, 0]);
    expect(probe(l)).toEqual([]);
    expect(l._refused('Access token does not have the required scopes')).toBeUndefined();
    expect(next(l, want(user, l99, cats))).toEqual([sub(user)]);
    expect(next(l, want(user, l99, cats))).toEqual([sub(l99)]);
    expect(next(l, want(user, l99, cats))).toEqual([sub(cats)]);
    expect(Object.values(states(l))).toEqual([State.Settled, State.Settled, State.Settled]);
    // A marker's answer after all (a Mastodon that was only slow): markers again.
    l._answered();
    expect(probe(l)).toEqual([MARKER]);
    expect(next(l, want(user, l99, cats, l98))).toEqual([sub(l98), LIST_MARKER]);
  });
});
