// Node 20, Deno and Bun each run the same fixture (fixtures/user-stream.mjs) against the BUILT
// ES module dist/index.js and a fake Mastodon in this process, over SSE and over WebSocket
// (Node 20 has no WebSocket: the fixture passes the `ws` package's class; Deno and Bun use
// their built-in one). The verdict is the fixture's
// RESULT line, compared exactly — an exit code alone proves nothing (Deno can exit 0 after
// swallowing a rejected top-level await).
import type { ChildProcess } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeAll, describe, expect, test } from 'vitest';
import { repoRoot } from '../setup/env.mjs';
import { driveUserScenario, expectWebSocketTraffic, requireDist, spawnLines, startFake, TRANSPORTS, type Fake } from './scenario.js';

const fixture = join(repoRoot, 'test', 'runtimes', 'fixtures', 'user-stream.mjs');
const bin = (name: string) => join(repoRoot, 'node_modules', '.bin', name);

// wsToken: where the token goes over WebSocket — a header where the class takes headers (`ws`),
// otherwise the subprotocol.
// Node: the fixture runs under this very node (the one `engines` admits, >=20.19), whatever its major.
const thisNode = new RegExp(`^${process.version.replace(/\./g, '\\.')}$`);
const runtimes: Record<string, { cmd: string; args: string[]; version: RegExp; wsToken: 'authorization' | 'subprotocol' }> = {
  node: { cmd: process.execPath, args: [fixture], version: thisNode, wsToken: 'authorization' },
  deno: {
    cmd: bin('deno'),
    args: ['run', '--allow-net=127.0.0.1', '--allow-read', '--no-prompt', fixture],
    version: /^2\.9\.6$/,
    wsToken: 'subprotocol',
  },
  bun: { cmd: bin('bun'), args: ['run', fixture], version: /^1\.4\.5$/, wsToken: 'subprotocol' },
};

const children = new Set<ChildProcess>();
let fake: Fake | undefined;

beforeAll(() => {
  requireDist();
});

afterEach(async () => {
  for (const child of children) if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  children.clear();
  await fake?.close();
  fake = undefined;
});

const runFixture = (cmd: string, args: string[], label: string) => spawnLines(cmd, args, label, children);

describe('the built package in real runtimes', { timeout: 120_000 }, () => {
  for (const transport of TRANSPORTS) for (const [name, rt] of Object.entries(runtimes)) {
    test(`${name} over ${transport}: user stream with reconnect, exact callbacks, close()`, async () => {
      if (name !== 'node') expect(existsSync(rt.cmd), `${rt.cmd} (installed by npm ci)`).toBe(true);
      fake = await startFake();
      const run = runFixture(rt.cmd, [...rt.args, fake.apiUrl, fake.token, transport], name);
      const result = await driveUserScenario(fake, run.lines, name, transport);
      if (transport === 'websocket') expectWebSocketTraffic(fake, 2, rt.wsToken);
      expect(result.version).toMatch(rt.version);
      expect(result.globals.document, 'no DOM in this runtime').toBe('undefined');
      const { code, signal } = await Promise.race([
        run.exited,
        new Promise<never>((_, reject) => setTimeout(() => reject(new Error(`${name} did not exit after RESULT`)), 30_000)),
      ]);
      expect({ code, signal }, run.stderr()).toStrictEqual({ code: 0, signal: null });
      expect(run.stderr()).not.toMatch(/document is not defined|window is not defined|Unhandled|uncaught/i);
    });
  }
});

test('the Node that runs the fixture is one package.json "engines" admits', () => {
  const engines = JSON.parse(readFileSync(join(repoRoot, 'package.json'), 'utf8')).engines.node as string;
  const min = /^>=(\d+)\.(\d+)$/.exec(engines);
  expect(min, `engines.node is ${engines}`).not.toBeNull();
  const [major, minor] = process.versions.node.split('.').map(Number) as [number, number];
  expect(major > Number(min![1]) || (major === Number(min![1]) && minor >= Number(min![2])), `${process.version} vs ${engines}`).toBe(true);
});
