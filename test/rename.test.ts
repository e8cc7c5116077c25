// scripts/rename.mjs: the script-tag builds' last step renames variables only, and its check
// refuses any output that is not the input with its variables renamed one to one.
import { readFileSync } from 'node:fs';
import { describe, expect, test } from 'vitest';
// @ts-expect-error plain JS module without types
import { renameForGzip, sameButNames } from '../scripts/rename.mjs';

const source = `var Lib=function(e){"use strict";var t=class extends Error{name="E";#p=1;get p(){return this.#p}},
n=(e,n)=>fetch(e,{signal:n}).then(e=>e.ok?e.json():Promise.reject(new t(e.status))),
r=e=>{let t=0;for(const n of e)t+=n;return t};return e.sum=r,e.get=n,e.E=t,e}({});`;

const run = (code: string) => new Function(`${code};return Lib;`)() as { sum: (a: number[]) => number; E: new () => Error & { p: number } };

describe('rename pass (scripts/rename.mjs)', () => {
  test('renames variables only: the result runs the same', () => {
    const out: string = renameForGzip(source);
    expect(() => sameButNames(source, out)).not.toThrow();
    expect(run(out).sum([1, 2, 3])).toBe(6);
    expect(new (run(out).E)().p).toBe(1);
    // Globals, properties, private fields and the exported global keep their names.
    for (const name of ['var Lib=', 'fetch(', '.json()', '#p', '.sum=', 'signal:']) expect(out).toContain(name);
  });

  test('a consistent one-to-one rename passes', () => {
    expect(() => sameButNames('function f(a,b){return a+b}', 'function x(y,z){return y+z}')).not.toThrow();
  });

  test('two variables made one (a capture) is refused', () => {
    expect(() => sameButNames('function f(a){var b=1;return a+b}', 'function f(a){var a=1;return a+a}')).toThrow(
      /split or merged/,
    );
  });

  test('one variable made two is refused', () => {
    expect(() => sameButNames('function f(a){return a*a}', 'function f(a){return a*b}')).toThrow(/split or merged|not renamed/);
  });

  test('a global or a property renamed is refused', () => {
    expect(() => sameButNames('function f(a){return fetch(a)}', 'function f(a){return fetcher(a)}')).toThrow(/not renamed/);
    expect(() => sameButNames('function f(a){return a.body}', 'function f(a){return a.bodi}')).toThrow(/changed/);
  });

  test('any other change is refused: a literal, an operator, a directive, a node', () => {
    expect(() => sameButNames('function f(a){return a+"x"}', 'function f(a){return a+"y"}')).toThrow(/changed/);
    expect(() => sameButNames('function f(a){return a+1}', 'function f(a){return a-1}')).toThrow(/changed/);
    expect(() => sameButNames('"use strict";var a=1', 'var a=1')).toThrow(/nodes became|changed/);
    expect(() => sameButNames('function f(a){return a?1:2}', 'function f(a){return a&&1}')).toThrow(/nodes became|changed/);
  });

  test('the shipped script-tag build is one the check reads (it parses, and equals itself)', () => {
    const iife = readFileSync(new URL('../dist/index.global.js', import.meta.url), 'utf8');
    expect(() => sameButNames(iife, iife)).not.toThrow();
  });
});
