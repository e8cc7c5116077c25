// Shared helpers of the benchmarks: setup (dist build, bench/ peers), data, timing, the table.
// Benchmarks print figures; they never fail on them.
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { cpus, loadavg, totalmem, platform, release } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

export const BENCH = dirname(fileURLToPath(import.meta.url));
export const ROOT = dirname(BENCH);
export const DIST = join(ROOT, 'dist', 'index.js');
export const BIN = join(ROOT, 'node_modules', '.bin');

const newestMtime = (dir) => {
  let t = 0;
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, e.name);
    t = Math.max(t, e.isDirectory() ? newestMtime(p) : statSync(p).mtimeMs);
  }
  return t;
};

/** Builds dist/ with tsup when it is missing or older than src/. */
export function ensureDist() {
  if (existsSync(DIST) && statSync(DIST).mtimeMs >= newestMtime(join(ROOT, 'src'))) return;
  process.stderr.write('bench: building dist/ (npx tsup)\n');
  execFileSync('npx', ['tsup'], { cwd: ROOT, stdio: ['ignore', 'ignore', 'inherit'] });
}

/** Installs the peers of bench/package.json (npm registry, committed lock) when missing. */
export function ensurePeers() {
  if (existsSync(join(BENCH, 'node_modules'))) return;
  process.stderr.write('bench: installing peers (npm ci --prefix bench)\n');
  execFileSync('npm', ['ci', '--prefix', BENCH, '--ignore-scripts', '--no-audit', '--no-fund', '--loglevel=error'], {
    cwd: ROOT,
    stdio: ['ignore', 'ignore', 'inherit'],
  });
}

export const importDist = async () => {
  ensureDist();
  return import(pathToFileURL(DIST).href);
};

/** True when the module `path` (relative to the repo root) exists: features still landing. */
export const has = (path) => existsSync(join(ROOT, path));

export const NOT_ON_MAIN = 'n/a (not on main yet)';

// ---------------------------------------------------------------------------------------------
// Data: Mastodon-like events, deterministic.

let seed = 0x2545f491;
const rnd = () => {
  seed ^= seed << 13;
  seed ^= seed >>> 17;
  seed ^= seed << 5;
  return (seed >>> 0) / 4294967296;
};
export const resetRandom = () => (seed = 0x2545f491);
let idCounter = 113000000000000000n;
const nextId = () => String((idCounter += BigInt(1 + Math.floor(rnd() * 1000))));

const WORDS = ['the', 'fediverse', 'café', 'toot', 'über', 'naïve', 'timeline', '—', 'posted', 'a', 'picture', 'of', 'cats', '🐘', 'réseau', 'すごい', 'and', 'weather', 'today', 'link'];
const text = (n) => {
  let s = '';
  while (s.length < n) s += WORDS[Math.floor(rnd() * WORDS.length)] + ' ';
  return s;
};

const account = () => {
  const id = nextId();
  const user = 'user' + Math.floor(rnd() * 1e6);
  const remote = rnd() < 0.5;
  return {
    id, username: user, acct: remote ? user + '@remote.example' : user, display_name: text(12).trim(),
    locked: false, bot: false, discoverable: true, group: false, created_at: '2023-04-01T00:00:00.000Z',
    note: '<p>' + text(60) + '</p>', url: 'https://mastodon.example/@' + user, uri: 'https://mastodon.example/users/' + user,
    avatar: 'https://files.mastodon.example/accounts/avatars/' + id + '/original/a.png',
    avatar_static: 'https://files.mastodon.example/accounts/avatars/' + id + '/original/a.png',
    header: 'https://files.mastodon.example/accounts/headers/' + id + '/original/h.png',
    header_static: 'https://files.mastodon.example/accounts/headers/' + id + '/original/h.png',
    followers_count: Math.floor(rnd() * 5000), following_count: Math.floor(rnd() * 500), statuses_count: Math.floor(rnd() * 20000),
    last_status_at: '2024-05-01', emojis: [], fields: [{ name: 'Web', value: '<a href="https://example.org">example.org</a>', verified_at: null }],
  };
};

/** A status of about `size` bytes of JSON (2 KB by default), as Mastodon sends it. */
export const status = (size = 2048) => {
  const id = nextId();
  const s = {
    id, created_at: '2024-05-01T12:00:00.000Z', in_reply_to_id: null, in_reply_to_account_id: null, sensitive: false,
    spoiler_text: '', visibility: 'public', language: 'en', uri: 'https://mastodon.example/users/u/statuses/' + id,
    url: 'https://mastodon.example/@u/' + id, replies_count: 0, reblogs_count: 1, favourites_count: 3, edited_at: null,
    content: '', reblog: null, application: { name: 'Web', website: null }, account: account(), media_attachments: [],
    mentions: [], tags: [{ name: 'cats', url: 'https://mastodon.example/tags/cats' }], emojis: [], card: null, poll: null,
  };
  const base = Buffer.byteLength(JSON.stringify(s));
  s.content = '<p>' + text(Math.max(10, size - base - 30)) + '</p>';
  return s;
};

const enc = new TextEncoder();

/**
 * About `mb` MB of SSE as Mastodon writes it, cut into `chunkSize` chunks.
 * kind 'update': only `update` events; 'mix': updates, deletes, notifications, status edits and
 * heartbeats. Returns the chunks, the event count per name, and where each event's payload
 * lies in the bytes (for the "physical limit" run, which needs the payloads without finding them).
 */
export function sseData(kind, mb = 50, chunkSize = 64 * 1024) {
  resetRandom();
  const parts = [];
  const payloads = [];
  const names = [];
  const offsets = []; // byte offset of each payload in `all`, then its end
  const counts = {};
  let bytes = 0;
  const target = mb * 1e6;
  const push = (s) => {
    parts.push(s);
    bytes += Buffer.byteLength(s);
  };
  push(':)\n');
  for (let i = 0; bytes < target; i++) {
    let name = 'update', data;
    if (kind === 'mix') {
      const r = rnd();
      if (r < 0.1) name = 'delete';
      else if (r < 0.2) name = 'notification';
      else if (r < 0.25) name = 'status.update';
      if (i % 20 === 0) push(':thump\n');
    }
    if (name === 'delete') data = nextId();
    else if (name === 'notification') data = JSON.stringify({ id: nextId(), type: 'mention', created_at: '2024-05-01T12:00:00.000Z', group_key: 'ungrouped', account: account(), status: status() });
    else data = JSON.stringify(status());
    push('event: ' + name + '\ndata: ');
    offsets.push(bytes, bytes + Buffer.byteLength(data));
    push(data + '\n\n');
    payloads.push(data);
    names.push(name);
    counts[name] = (counts[name] ?? 0) + 1;
  }
  const all = enc.encode(parts.join(''));
  const chunks = [];
  for (let o = 0; o < all.length; o += chunkSize) chunks.push(all.subarray(o, Math.min(all.length, o + chunkSize)));
  return { all, chunks, payloads, names, offsets, counts, events: payloads.length, bytes: all.length };
}

// ---------------------------------------------------------------------------------------------
// Measuring and reporting.

export const gc = () => globalThis.gc?.();

export const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};

export const fmt = (x, digits = 0) =>
  x === undefined || x === null || Number.isNaN(x) ? 'n/a' : x.toLocaleString('en-US', { minimumFractionDigits: digits, maximumFractionDigits: digits });
export const ratio = (x) => (x === undefined || Number.isNaN(x) ? '' : x.toFixed(2) + '×');

/** One row of the one table: section, what, result, ratio, note. */
export const row = (section, what, result, r = '', note = '') => ({ section, what, result, ratio: r, note });

export function table(rows) {
  const esc = (s) => String(s ?? '').replace(/\|/g, '\\|');
  const out = ['| # | benchmark | result | ratio | notes |', '|---|---|---|---|---|'];
  for (const r of rows) out.push(`| ${esc(r.section)} | ${esc(r.what)} | ${esc(r.result)} | ${esc(r.ratio)} | ${esc(r.note)} |`);
  return out.join('\n');
}

/**
 * Runs a benchmark module's `bench()` and prints its rows: as JSON for run.mjs (`--json`), else
 * as a table.
 */
export async function main(url, bench) {
  if (process.argv[1] && pathToFileURL(process.argv[1]).href !== url) return;
  const rows = await bench();
  if (process.argv.includes('--json')) process.stdout.write('\n@@ROWS@@' + JSON.stringify(rows) + '\n');
  else process.stdout.write(table(rows) + '\n');
  // Whatever a peer left open (a socket, a timer) must not keep a run alive.
  setTimeout(() => process.exit(0), 50).unref();
}

/** Re-runs this script with --expose-gc when it is missing; returns false in the parent. */
export function needGc(url) {
  if (globalThis.gc) return true;
  const r = spawnSync(process.execPath, ['--expose-gc', fileURLToPath(url), ...process.argv.slice(2)], { stdio: 'inherit' });
  process.exit(r.status ?? 1);
}

export function machine() {
  const c = cpus();
  const v = (cmd, args) => {
    try {
      return execFileSync(cmd, args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'], timeout: 20000 }).trim().split('\n')[0];
    } catch {
      return 'not available';
    }
  };
  let commit = v('git', ['-C', ROOT, 'rev-parse', '--short', 'HEAD']);
  if (v('git', ['-C', ROOT, 'status', '--porcelain', 'src']) !== '' && !commit.startsWith('not')) commit += ' (src modified)';
  return {
    cpu: `${c[0]?.model ?? '?'} × ${c.length}`,
    memory: `${(totalmem() / 2 ** 30).toFixed(1)} GiB`,
    os: `${platform()} ${release()}`,
    load: loadavg().map((l) => l.toFixed(1)).join(' / '),
    node: process.version,
    deno: v(join(BIN, 'deno'), ['--version']),
    bun: v(join(BIN, 'bun'), ['--version']),
    commit,
  };
}
