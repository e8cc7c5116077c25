// `npm start`: a live dashboard with no account and no server of your own.
//
// Installs dependencies when node_modules is missing, builds the library when dist/ is missing
// or older than src/ (`--no-build` or PLAYGROUND_NO_BUILD=1: never rebuild an existing dist/),
// starts the fake Mastodon in demo mode and serves playground/ and dist/ on 127.0.0.1. The page reads the fake's URL and demo
// token from /config.json and can make the fake misbehave through POST /control/<action>.
//
// Environment: PORT (default 5173, an ephemeral port when busy; 0 = ephemeral),
// DEMO_RATE (demo actions per second, default 1), PLAYGROUND_NO_BUILD=1.

import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import http from 'node:http';
import { dirname, extname, join, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const root = resolve(here, '..');
const dist = join(root, 'dist');
const args = new Set(process.argv.slice(2));
const noBuild = args.has('--no-build') || process.env.PLAYGROUND_NO_BUILD === '1';
const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';

/** Runs an npm command in the repository, inheriting the terminal; exits on failure. */
function run(cmdArgs) {
  console.log(`> npm ${cmdArgs.join(' ')}`);
  const r = spawnSync(npm, cmdArgs, { cwd: root, stdio: 'inherit', shell: process.platform === 'win32' });
  if (r.status !== 0) {
    console.error(`npm ${cmdArgs.join(' ')} failed (${r.error?.message ?? `exit code ${r.status}`})`);
    process.exit(1);
  }
}

if (!existsSync(join(root, 'node_modules'))) run(existsSync(join(root, 'package-lock.json')) ? ['ci'] : ['install']);
/** Newest modification time under `dir` (recursive), in ms. */
function newest(dir) {
  let t = 0;
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, e.name);
    t = Math.max(t, e.isDirectory() ? newest(p) : statSync(p).mtimeMs);
  }
  return t;
}

// Build when dist/ is missing or older than the sources (a repeat `npm start` starts at once).
const bundle = join(dist, 'index.global.js');
const stale = () => statSync(bundle).mtimeMs < Math.max(newest(join(root, 'src')), statSync(join(root, 'tsup.config.ts')).mtimeMs);
if (!existsSync(bundle) || (!noBuild && stale())) run(['run', 'build']);

// Imported only now: the fake needs `ws` from node_modules.
const { startFakeMastodon } = await import('../test/fake-mastodon/index.mjs');

const rate = Number(process.env.DEMO_RATE ?? 1);
const fake = await startFakeMastodon({
  demo: true,
  demoRatePerSec: Number.isFinite(rate) && rate > 0 ? rate : 1,
  demoSeed: Date.now() % 100000,
  // A heartbeat a person can watch arrive; the page's read timeout is sized from it.
  heartbeatMs: 3000,
  wsPingMs: 10000,
});

const config = {
  demo: true,
  apiBaseUrl: fake.apiUrl,
  accessToken: fake.token,
  heartbeatSec: 3,
  listId: '12',
  tag: 'cats',
};

const HOSTILE_HTML =
  '<p>Hostile HTML, neutralised: <b>bold</b><script>window.pwned = "script"</script>' +
  '<img src="x" onerror="window.pwned = \'img\'"><a href="javascript:window.pwned = 1">a javascript: link</a> ' +
  '<a href="https://example.org/" onclick="window.pwned = \'click\'" style="color:red">a safe link</a></p>' +
  '<style>body { display: none }</style><iframe src="https://example.org/"></iframe>';

// POST /control/<name>: the fake misbehaves so the page can show reconnects, back-off and
// catch-up. A fault that needs a new connection also drops the current one.
const controls = {
  drop: () => `dropped ${fake.dropConnections()} connection(s)`,
  end: () => `ended ${fake.endStreams()} stream(s) cleanly`,
  stall: () => `stalled ${fake.stall()} connection(s): no bytes, not even heartbeats`,
  unstall: () => `unstalled ${fake.unstall()} connection(s)`,
  401: () => {
    fake.failNext(1, 401, { message: 'The access token is invalid' });
    return `next connect answers 401; dropped ${fake.dropConnections()} connection(s)`;
  },
  503: () => {
    fake.failNext(3, 503, { message: 'Service temporarily unavailable' });
    return `next 3 connects answer 503; dropped ${fake.dropConnections()} connection(s)`;
  },
  post: () => `posted status ${fake.postStatus({ tags: ['cats'], text: 'Posted from the playground’s “Post now” button.' }).id}`,
  // Content HTML is written by strangers: this post shows the page's sanitiser at work.
  hostile: () => `posted status ${fake.postStatus({ content: HOSTILE_HTML }).id} with hostile HTML`,
};

const TYPES = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.png': 'image/png',
  '.svg': 'image/svg+xml',
  '.ts': 'text/plain; charset=utf-8',
};
const SECURITY = {
  'X-Content-Type-Options': 'nosniff',
  'Referrer-Policy': 'no-referrer',
  'Cache-Control': 'no-store',
};

/** `/dist/x` → dist/x, anything else → playground/…; null when it leaves those folders. */
function fileFor(pathname) {
  let p;
  try {
    p = decodeURIComponent(pathname);
  } catch {
    return null;
  }
  if (p.includes('\0')) return null;
  const [base, rel] = p.startsWith('/dist/') ? [dist, p.slice(6)] : [here, p === '/' ? 'index.html' : p.slice(1)];
  const file = resolve(base, rel);
  return file.startsWith(base + sep) && !file.endsWith('.mjs') ? file : null;
}

/** @param {http.ServerResponse} res */
function send(res, status, body, type = 'text/plain; charset=utf-8') {
  res.writeHead(status, { ...SECURITY, 'Content-Type': type, 'Content-Length': Buffer.byteLength(body) });
  res.end(body);
}

const server = http.createServer(async (req, res) => {
  const url = new URL(req.url ?? '/', 'http://127.0.0.1');
  const method = req.method ?? 'GET';
  if (url.pathname.startsWith('/control/')) {
    const action = controls[url.pathname.slice(9)];
    // POST only, and only from this page: another site cannot make the demo misbehave.
    const origin = req.headers.origin;
    if (method !== 'POST') return send(res, 405, 'POST only');
    if (origin && origin !== `http://${req.headers.host}`) return send(res, 403, 'Forbidden');
    if (!action) return send(res, 404, 'Unknown control');
    const message = action();
    console.log(`[control] ${message}`);
    return send(res, 200, JSON.stringify({ message }), TYPES['.json']);
  }
  if (method !== 'GET' && method !== 'HEAD') return send(res, 405, 'Method not allowed');
  if (url.pathname === '/config.json') return send(res, 200, JSON.stringify(config), TYPES['.json']);
  const file = fileFor(url.pathname);
  if (!file) return send(res, 404, 'Not found');
  try {
    const body = await readFile(file);
    res.writeHead(200, { ...SECURITY, 'Content-Type': TYPES[extname(file)] ?? 'application/octet-stream', 'Content-Length': body.length });
    res.end(method === 'HEAD' ? undefined : body);
  } catch {
    send(res, 404, 'Not found');
  }
});

/** Listens on `port`; when it is taken, on an ephemeral port instead. */
function listen(port) {
  return new Promise((resolveListen, reject) => {
    const onError = (err) => {
      if (err.code === 'EADDRINUSE' && port !== 0) {
        console.log(`Port ${port} is busy; using a free port instead.`);
        resolveListen(listen(0));
      } else reject(err);
    };
    server.once('error', onError);
    server.listen(port, '127.0.0.1', () => {
      server.off('error', onError);
      resolveListen(server.address().port);
    });
  });
}

const wanted = process.env.PORT === undefined || process.env.PORT === '' ? 5173 : Number(process.env.PORT);
const port = await listen(Number.isInteger(wanted) && wanted >= 0 && wanted < 65536 ? wanted : 5173);
console.log(`Fake Mastodon (demo): API ${fake.apiUrl}, streaming ${fake.streamingUrl}`);
console.log(`Playground: http://127.0.0.1:${port}/`);
// Ready to paste into another terminal: the examples read these two variables.
console.log('\nRun the examples against the demo server (from another terminal in this folder):');
for (const example of ['node.mjs', 'iterate.mjs', 'node-ws.mjs']) {
  console.log(`  MASTODON_URL=${fake.apiUrl} MASTODON_TOKEN=${fake.token} node examples/${example}`);
}
console.log('\nPress Ctrl+C to stop.');

let stopping = false;
async function stop() {
  if (stopping) return;
  stopping = true;
  server.closeAllConnections?.();
  server.close();
  await fake.close();
  process.exit(0);
}
process.on('SIGINT', stop);
process.on('SIGTERM', stop);
