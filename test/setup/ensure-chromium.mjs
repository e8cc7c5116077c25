// Finds the Chromium that playwright-core drives in the browser tests (playwright-core downloads
// no browser, and `playwright install` must never run). In order:
//   1. CHROMIUM_PATH, when set (an error when it names nothing);
//   2. the system's Chromium or Chrome (Debian's /usr/bin/chromium first);
//   3. a browser that playwright already downloaded (PLAYWRIGHT_BROWSERS_PATH or its cache).
// When none is found: as root on Debian/Ubuntu it installs the "chromium" package with apt-get
// (what CI does); anywhere else it fails with what to install on Debian, Fedora and macOS.
// `npm run test:unit` runs the tests that need no browser, Deno or Bun.
import { existsSync, readdirSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import { homedir } from 'node:os';
import { join } from 'node:path';

export const SYSTEM_CANDIDATES = [
  '/usr/bin/chromium',
  '/usr/bin/chromium-browser',
  '/usr/bin/google-chrome-stable',
  '/usr/bin/google-chrome',
  '/Applications/Chromium.app/Contents/MacOS/Chromium',
  '/Applications/Google Chrome.app/Contents/MacOS/Google Chrome',
];

/** Executables inside one of playwright's chromium-<revision> folders, for each platform it ships. */
const PLAYWRIGHT_LAYOUTS = [
  'chrome-linux64/chrome',
  'chrome-linux/chrome',
  'chrome-mac-arm64/Chromium.app/Contents/MacOS/Chromium',
  'chrome-mac/Chromium.app/Contents/MacOS/Chromium',
  'chrome-mac-x64/Chromium.app/Contents/MacOS/Chromium',
];

export const INSTALL_COMMAND =
  'apt-get update && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends chromium';

export const INSTALL_HELP =
  'Install Chromium, then run the tests again:\n' +
  '  Debian, Ubuntu:  sudo apt-get install chromium   (as root, npm test does this itself)\n' +
  '  Fedora:          sudo dnf install chromium\n' +
  '  macOS:           brew install --cask chromium\n' +
  'or point CHROMIUM_PATH at any Chromium or Chrome binary, e.g.\n' +
  '  CHROMIUM_PATH="/Applications/Google Chrome.app/Contents/MacOS/Google Chrome" npm test\n' +
  'For a quick loop without a browser, Deno or Bun: npm run test:unit';

/** Folders where playwright keeps the browsers it downloaded. */
function playwrightDirs(env) {
  const home = env.HOME || homedir();
  return [
    env.PLAYWRIGHT_BROWSERS_PATH,
    home && join(home, '.cache', 'ms-playwright'),
    home && join(home, 'Library', 'Caches', 'ms-playwright'),
  ].filter(Boolean);
}

/** The newest playwright Chromium found under `dirs`, or undefined. */
function playwrightChromium(dirs, exists, list) {
  for (const dir of dirs) {
    let names = [];
    try {
      names = list(dir).filter((n) => /^chromium-\d+$/.test(n)).sort((a, b) => Number(b.slice(9)) - Number(a.slice(9)));
    } catch {
      continue;
    }
    for (const name of names) {
      for (const layout of PLAYWRIGHT_LAYOUTS) {
        const p = join(dir, name, layout);
        if (exists(p)) return p;
      }
    }
  }
  return undefined;
}

/**
 * Where Chromium is: `{ path }`, or `{ error }` saying what was looked at and what to do.
 * Everything it reads from the machine can be passed in (the unit test does).
 */
export function findChromium({ env = process.env, exists = existsSync, list = (d) => readdirSync(d) } = {}) {
  if (env.CHROMIUM_PATH) {
    return exists(env.CHROMIUM_PATH)
      ? { path: env.CHROMIUM_PATH }
      : { error: `CHROMIUM_PATH is set to ${env.CHROMIUM_PATH}, which does not exist.\n${INSTALL_HELP}` };
  }
  const system = SYSTEM_CANDIDATES.find((p) => exists(p));
  if (system) return { path: system };
  const dirs = playwrightDirs(env);
  const pw = playwrightChromium(dirs, exists, list);
  if (pw) return { path: pw };
  return {
    error:
      'No Chromium found for the browser tests. Looked for CHROMIUM_PATH (not set), ' +
      `${SYSTEM_CANDIDATES.join(', ')}, and playwright's browsers in ${dirs.join(', ')}.\n${INSTALL_HELP}`,
  };
}

/** The Chromium the tests launch (a path that may not exist yet when nothing was found). */
export const CHROMIUM = findChromium().path ?? '/usr/bin/chromium';

/**
 * Returns null when Chromium is present (or was installed), else an error message.
 * As root on Debian/Ubuntu (apt-get present) a missing Chromium is installed with apt-get.
 */
export function ensureChromium({
  log = console.log,
  env = process.env,
  exists = existsSync,
  list = (d) => readdirSync(d),
  isRoot = typeof process.getuid === 'function' && process.getuid() === 0,
  run = (cmd, args, opts) => spawnSync(cmd, args, opts),
} = {}) {
  const found = findChromium({ env, exists, list });
  if (found.path) return null;
  const apt = exists('/usr/bin/apt-get') && exists('/etc/debian_version');
  if (env.CHROMIUM_PATH || !isRoot || !apt) return found.error;
  log('[run] Chromium is missing; installing the Debian package "chromium" (runs as root)');
  const aptEnv = { ...env, DEBIAN_FRONTEND: 'noninteractive' };
  for (const args of [['update'], ['install', '-y', '--no-install-recommends', 'chromium']]) {
    log(`[run] $ apt-get ${args.join(' ')}`);
    const r = run('apt-get', args, { stdio: 'inherit', env: aptEnv });
    if (r.error) return `apt-get ${args[0]} could not start: ${r.error.message}\n${INSTALL_HELP}`;
    if (r.status !== 0) return `apt-get ${args.join(' ')} failed with exit code ${r.status}\n${INSTALL_HELP}`;
  }
  if (!exists('/usr/bin/chromium')) return `apt-get installed "chromium" but /usr/bin/chromium still does not exist\n${INSTALL_HELP}`;
  return null;
}

/** Flags the browser tests start Chromium with; the last one stops all DNS traffic. */
export const CHROMIUM_ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--disable-dev-shm-usage',
  '--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE 127.0.0.1',
];
