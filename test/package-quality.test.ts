// The package as consumers get it: publint (package.json vs. files), Are The Types Wrong (types
// for every resolution mode of the packed tarball), Deno's type check through the
// @ts-self-types header, and tsc on consumer files (positive and @ts-expect-error).
import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import ts from 'typescript';
import { join } from 'node:path';
import { beforeAll, describe, expect, test } from 'vitest';
import { repoRoot } from './setup/env.mjs';
import { requireDist } from './runtimes/scenario.js';

const bin = (name: string) => join(repoRoot, 'node_modules', '.bin', name);

function run(cmd: string, args: string[], timeoutMs = 120_000) {
  return new Promise<{ code: number; out: string }>((resolve) => {
    execFile(
      cmd,
      args,
      { cwd: repoRoot, timeout: timeoutMs, maxBuffer: 16 * 1024 * 1024, env: { ...process.env, NO_COLOR: '1', FORCE_COLOR: '0' } },
      (err, stdout, stderr) => {
        const code = err ? (typeof err.code === 'number' ? err.code : 1) : 0;
        resolve({ code, out: `${stdout}\n${stderr}`.trim() });
      },
    );
  });
}

beforeAll(() => requireDist());

describe('package quality', { timeout: 150_000 }, () => {
  test('publint --strict: no errors, warnings or suggestions', async () => {
    const r = await run(bin('publint'), ['run', '--strict', '--level', 'suggestion']);
    expect(r.code, r.out).toBe(0);
    expect(r.out, r.out).toMatch(/All good!/);
  });

  test('attw --pack: types resolve in every ESM-capable mode', async () => {
    // --profile esm-only: the package is deliberately ESM-only ("type": "module", no "require"
    // condition, engines node >= 20.19 where require(esm) works). The strict profile would
    // report that a CommonJS `require` resolves to an ES module (cjs-resolves-to-esm, under the
    // node16-cjs and node10 resolutions) — the intended shape of an ESM-only package, not a
    // types bug. Every other rule stays on for node16-esm and bundler.
    // The IIFE build is not in "exports" (it defines a global and exports nothing; publint
    // rightly flags it as CJS-looking there): CDNs find it through "unpkg"/"jsdelivr".
    const r = await run(bin('attw'), ['--pack', '.', '--profile', 'esm-only', '--format', 'json']);
    const json = r.out.slice(r.out.indexOf('{'), r.out.lastIndexOf('}') + 1);
    let report: { analysis?: { problems?: { resolutionKind?: string }[]; entrypoints?: object } } = {};
    expect(() => (report = JSON.parse(json)), r.out).not.toThrow();
    expect(Object.keys(report.analysis?.entrypoints ?? {}), 'entrypoints checked').toContain('.');
    const esmProblems = (report.analysis?.problems ?? []).filter(
      (p) => p.resolutionKind !== 'node10' && p.resolutionKind !== 'node16-cjs',
    );
    expect(esmProblems, r.out).toStrictEqual([]);
    expect(r.code, r.out).toBe(0);
  });

  test('dist/index.js keeps its @ts-self-types header after minification', () => {
    const head = readFileSync(join(repoRoot, 'dist', 'index.js'), 'utf8').slice(0, 200);
    expect(head).toMatch(/^\/\* @ts-self-types="\.\/index\.d\.ts" \*\//);
  });

  test('deno check sees the types of dist/index.js (test/types/deno-consumer.ts)', async () => {
    const r = await run(bin('deno'), ['check', '--quiet', 'test/types/deno-consumer.ts']);
    expect(r.code, r.out).toBe(0);
  });

  test('tsc: consumer.ts compiles and every @ts-expect-error in consumer-errors.ts is an error', async () => {
    const r = await run(process.execPath, [join(repoRoot, 'node_modules', 'typescript', 'bin', 'tsc'), '-p', 'test/types/tsconfig.json']);
    expect(r.code, r.out).toBe(0);
    expect(r.out).toBe('');
  });

  test('each @ts-expect-error in consumer-errors.ts is the intended error, not some other one', () => {
    // Compile the file with its directives removed: every marked line must then report an error
    // whose message chain mentions the text after "must mention:" (a line that failed for an
    // unrelated reason — say, a class called without `new` — would not).
    const dir = join(repoRoot, 'test', 'types');
    const file = join(dir, 'consumer-errors.ts');
    const original = readFileSync(file, 'utf8');
    const lines = original.split('\n');
    const expected = new Map<number, string>(); // 0-based line of the code → text to mention
    lines.forEach((l, i) => {
      const m = l.match(/^\s*\/\/ @ts-expect-error must mention: (\S+)/);
      if (m) expected.set(i + 1, m[1]!);
    });
    expect(expected.size).toBe(5);
    const unmarked = lines.map((l) => l.replace('// @ts-expect-error', '// expect-error')).join('\n');
    const cfg = ts.getParsedCommandLineOfConfigFile(join(dir, 'tsconfig.json'), {}, {
      ...ts.sys,
      onUnRecoverableConfigFileDiagnostic: (d) => {
        throw new Error(ts.flattenDiagnosticMessageText(d.messageText, '\n'));
      },
    })!;
    const host = ts.createCompilerHost(cfg.options);
    const readFile = host.readFile.bind(host);
    host.readFile = (f) => (f === file ? unmarked : readFile(f));
    const program = ts.createProgram([file], cfg.options, host);
    const diags = ts.getPreEmitDiagnostics(program).filter((d) => d.file?.fileName === file);
    const byLine = new Map<number, string[]>();
    for (const d of diags) {
      const line = d.file!.getLineAndCharacterOfPosition(d.start!).line;
      byLine.set(line, [...(byLine.get(line) ?? []), ts.flattenDiagnosticMessageText(d.messageText, '\n')]);
    }
    for (const [line, mention] of expected) {
      const messages = byLine.get(line) ?? [];
      expect(messages.join('\n'), `line ${line + 1}: ${lines[line]}`).toContain(mention);
      byLine.delete(line);
    }
    expect([...byLine.entries()], 'errors on unmarked lines').toStrictEqual([]);
  });
});
