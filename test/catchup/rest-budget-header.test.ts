// The REST budget is one function: called with nothing it books a request's slot; called with an
// answer's X-RateLimit-Remaining (null when the answer had none) it only notes the allowance.
import { describe, expect, it } from 'vitest';
import { restBudget } from '../../src/catchup/budget.js';
import { FakeClock } from '../kit/index.js';

describe('restBudget, told of an answer', () => {
  it('an answer without the header (null) books nothing and leaves the allowance unknown', () => {
    const clock = new FakeClock().install();
    try {
      const budget = restBudget();
      for (let i = 0; i < 100; i++) budget(null);
      // Exactly the waits of a budget never told anything: 60 at once, then one every 1.333 s.
      const waits = Array.from({ length: 62 }, () => budget());
      expect(waits.slice(0, 60)).toEqual(Array(60).fill(0));
      expect(waits.slice(60).map(Math.round)).toEqual([1333, 2667]);
    } finally {
      clock.uninstall();
    }
  });

  it('a header books nothing either; the allowance it reports is what lets requests through', () => {
    const clock = new FakeClock().install();
    try {
      const budget = restBudget();
      // Past the burst: the next request waits.
      for (let i = 0; i < 60; i++) budget();
      expect(Math.round(budget())).toBe(1333);
      // 53 left: 3 above the reserve of 50 go at once (each still books its slot), the 4th waits its turn.
      budget('53');
      expect([budget(), budget(), budget()]).toEqual([0, 0, 0]);
      expect(Math.round(budget())).toBe(6667);
      // Answers without the header: nothing booked, the allowance as it was (spent).
      for (let i = 0; i < 10; i++) budget(null);
      expect(Math.round(budget())).toBe(8000);
    } finally {
      clock.uninstall();
    }
  });
});
