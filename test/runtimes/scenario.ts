// Test-side half of the user-stream scenario in fixtures/recorder.js: reacts to the lines the
// recorder prints (wherever it runs) by driving the fake Mastodon, then checks the RESULT line.
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { expect } from 'vitest';
import { repoRoot } from '../setup/env.mjs';
import { sleep, startFakeMastodon, until, type FakeMastodon } from '../kit/index.js';
import { markerCount, wsCommands } from '../kit/ws-markers.js';

/** An 18-digit status id above 2^53: JSON.parse would round it to …640. */
export const BIG_ID = '117024248092393661';

/** The fake Mastodon, as the kit types it (test/fake-mastodon/index.d.mts). */
export type Fake = FakeMastodon;

export const startFake = (): Promise<Fake> => startFakeMastodon({ heartbeatMs: 200 });

export function requireDist(): void {
  for (const f of ['dist/index.js', 'dist/index.global.js', 'dist/index.d.ts']) {
    if (!existsSync(join(repoRoot, f))) {
      throw new Error(`${f} is missing: these tests use the built package; run \`npm run build\` (npm test does)`);
    }
  }
}

/** Open SSE responses and WebSockets at the fake. */
export const openConnections = (fake: Fake): number => fake.connections();

export const userStreamGets = (fake: Fake) =>
  fake.requests.filter((r) => r.method === 'GET' && r.path === '/api/v1/streaming/user').length;

export type Transport = 'sse' | 'websocket';
export const TRANSPORTS: Transport[] = ['sse', 'websocket'];

export const wsUpgrades = (fake: Fake) => fake.requests.filter((r) => r.kind === 'ws');

/** Stream connections so far: SSE GETs of the user stream, or WebSocket upgrades. */
const streamConnects = (fake: Fake, transport: Transport) =>
  transport === 'sse' ? userStreamGets(fake) : wsUpgrades(fake).length;

/**
 * WebSocket: the fake saw one upgrade per connection, never two sockets at once, one
 * `subscribe user` per socket and nothing else, and the token only where `tokenIn` says.
 */
export function expectWebSocketTraffic(fake: Fake, connections: number, tokenIn: 'authorization' | 'subprotocol'): void {
  const upgrades = wsUpgrades(fake);
  expect(upgrades.map((u) => u.url)).toStrictEqual(Array(connections).fill('/api/v1/streaming'));
  for (const u of upgrades) {
    if (tokenIn === 'authorization') {
      expect(u.headers['authorization']).toBe(`Bearer ${fake.token}`);
      expect(u.headers['sec-websocket-protocol']).toBeUndefined();
    } else {
      expect(u.headers['sec-websocket-protocol']).toBe(fake.token);
      expect(u.headers['authorization']).toBeUndefined();
    }
  }
  const sockets = [...new Set(fake.wsMessages.map((m) => m.socketId))];
  expect(sockets).toHaveLength(connections);
  // Each socket: its subscribe, then the marker that settles it (and maybe liveness markers).
  expect(wsCommands(fake)).toStrictEqual(Array(connections).fill({ type: 'subscribe', stream: 'user' }));
  expect(markerCount(fake)).toBeGreaterThanOrEqual(connections);
  for (const r of fake.requests) expect(r.url).not.toContain(fake.token);
  expect(fake.requests.filter((r) => r.kind === 'sse')).toStrictEqual([]);
}

/**
 * Lines from a recorder, wherever it runs. `pull` returns the lines that arrived since the last
 * call (stdout of a child, or a page/worker array read with evaluate()).
 */
export class Lines {
  all: string[] = [];
  cursor = 0;
  constructor(
    private readonly label: string,
    private readonly pull: () => Promise<string[]> | string[],
    private readonly describeState: () => string = () => '',
  ) {}

  /** Moves the cursor past every line that has arrived so far. */
  async skipToEnd(): Promise<void> {
    this.all.push(...(await this.pull()));
    this.cursor = this.all.length;
  }

  /** Waits for the first line after the cursor that matches, and moves the cursor past it. */
  async waitFor(pattern: RegExp | string, timeoutMs = 30_000, opts: { fromStart?: boolean } = {}): Promise<RegExpMatchArray> {
    const re = typeof pattern === 'string' ? new RegExp(`^${pattern.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}$`) : pattern;
    const end = Date.now() + timeoutMs;
    for (;;) {
      this.all.push(...(await this.pull()));
      for (let i = opts.fromStart ? 0 : this.cursor; i < this.all.length; i++) {
        const m = this.all[i]!.match(re);
        if (m) {
          if (!opts.fromStart) this.cursor = i + 1;
          return m;
        }
      }
      if (Date.now() > end) {
        throw new Error(
          `${this.label}: no line matching ${re} within ${timeoutMs} ms.\n--- lines so far ---\n` +
            this.all.join('\n') +
            `\n${this.describeState()}`,
        );
      }
      await sleep(25);
    }
  }
}

export interface ScenarioResult {
  runtime: string;
  transport: Transport;
  version: string;
  globals: { window: string; document: string; XMLHttpRequest: string };
  error: string | null;
  firstCallback: string | null;
  events: unknown[][];
  heartbeats: number;
  receivingAtFirstUpdate: unknown;
  aliveBeforeClose: unknown;
  aliveAfterClose: unknown;
  receivingAfterClose: unknown;
  done: string;
  afterClose: string[];
  unhandled: string[];
}

/**
 * Drives the recorder: update, notification, 18-digit delete, heartbeat (SSE only), dropped
 * connection, reconnect (a second GET or WebSocket upgrade arrives), second update after it; the recorder then closes the handle.
 * Returns the parsed RESULT and checks it exactly.
 */
export async function driveUserScenario(fake: Fake, lines: Lines, runtime: string, transport: Transport = 'sse'): Promise<ScenarioResult> {
  const sse = transport === 'sse';
  await lines.waitFor('READY');
  if (sse) {
    // The `:)` greeting arrives as a heartbeat: the stream is connected and being read.
    await lines.waitFor(/^GOT heartbeat \d+$/);
  } else {
    // WebSocket has no heartbeat lines: the subscription at the fake says the stream is up.
    await fake.waitForSubscriptions(1, { timeoutMs: 30_000 });
  }
  expect(streamConnects(fake, transport)).toBe(1);

  const s1 = fake.postStatus();
  await lines.waitFor(`GOT update ${s1.id}`);
  const n = fake.notify('mention');
  await lines.waitFor(`GOT notification ${n.id}`);
  fake.publish({ stream: 'user' }, 'delete', BIG_ID);
  await lines.waitFor(`GOT delete ${BIG_ID}`);
  // At least one real `:thump` heartbeat besides the greeting (heartbeatMs: 200).
  if (sse) await lines.waitFor(/^GOT heartbeat ([2-9]|\d\d+)$/, 20_000, { fromStart: true });

  fake.dropConnections();
  if (sse) {
    await until(() => userStreamGets(fake) === 2, { what: 'the reconnect request (a second GET /api/v1/streaming/user)', timeoutMs: 30_000 });
    // The client reconnects only after it has read the first connection to its end, so any
    // heartbeat from now on comes from the new connection.
    await lines.skipToEnd();
    await lines.waitFor(/^GOT heartbeat \d+$/, 30_000);
  } else {
    await until(() => wsUpgrades(fake).length === 2 && fake.wsMessages.filter((x) => x.message.type === 'subscribe').length === 2 && fake.subscriptions() === 1, { what: 'the reconnect (a second upgrade, subscribed to user again)', timeoutMs: 30_000 });
    expect(fake.wsConnections(), 'one socket at a time').toBe(1);
  }
  const s2 = fake.postStatus();
  await lines.waitFor(`GOT update ${s2.id}`);

  const m = await lines.waitFor(/^RESULT (.*)$/, 30_000);
  const result = JSON.parse(m[1]!) as ScenarioResult;

  if (sse) expect(result.heartbeats, 'greeting + heartbeats on both connections').toBeGreaterThanOrEqual(3);
  expect(result).toStrictEqual({
    runtime,
    transport,
    version: result.version,
    globals: result.globals,
    error: null,
    // WebSocket carries no comment lines: no handleHeartbeat over it.
    firstCallback: sse ? 'heartbeat' : 'update',
    events: [
      ['update', s1.id, 'string'],
      ['notification', n.id, 'mention'],
      ['delete', BIG_ID, 'string'],
      ['abort', 'MastodonNetworkError'],
      ['update', s2.id, 'string'],
    ],
    heartbeats: sse ? result.heartbeats : 0,
    receivingAtFirstUpdate: true,
    aliveBeforeClose: true,
    aliveAfterClose: false,
    receivingAfterClose: false,
    done: 'resolved',
    afterClose: [],
    unhandled: [],
  });
  expect(BigInt(BIG_ID) > 2n ** 53n).toBe(true);
  expect(streamConnects(fake, transport), 'exactly one reconnect').toBe(2);
  // close() aborted the request: the fake sees no open stream any more.
  await until(() => openConnections(fake) === 0, { what: 'the fake to see the stream closed', timeoutMs: 20_000 });
  return result;
}

export type Exit = { code: number | null; signal: NodeJS.Signals | null };

/**
 * Spawns a runtime in the repository with its stdout read as `Lines` (CR of CRLF dropped) and
 * its stderr kept; the child joins `children`, which the test kills after each test.
 */
export function spawnLines(cmd: string, args: string[], label: string, children: Set<ChildProcess>, env: Record<string, string> = {}) {
  const child = spawn(cmd, args, { cwd: repoRoot, stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, NO_COLOR: '1', ...env } });
  children.add(child);
  const pending: string[] = [];
  let partial = '';
  let stderr = '';
  child.stdout!.setEncoding('utf8').on('data', (chunk: string) => {
    const parts = (partial + chunk).split('\n');
    partial = parts.pop()!;
    pending.push(...parts.map((l) => l.replace(/\r$/, '')));
  });
  child.stderr!.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
  const exited = new Promise<Exit>((resolve) => {
    child.on('exit', (code, signal) => resolve({ code, signal }));
    child.on('error', (err) => {
      stderr += `\nspawn error: ${err.message}`;
      resolve({ code: -1, signal: null });
    });
  });
  const lines = new Lines(label, () => pending.splice(0), () => `--- stderr ---\n${stderr}`);
  return { child, lines, exited, stderr: () => stderr };
}
