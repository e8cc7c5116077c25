// Makes sure Debian's Chromium is installed at /usr/bin/chromium, which playwright-core drives
// (playwright-core downloads no browser, and `playwright install` must never run).
import { existsSync } from 'node:fs';
import { spawnSync } from 'node:child_process';

export const CHROMIUM = '/usr/bin/chromium';
export const INSTALL_COMMAND =
  'apt-get update && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends chromium';

/** Returns null when Chromium is present (or was installed), else an error message. */
export function ensureChromium({ log = console.log } = {}) {
  if (existsSync(CHROMIUM)) return null;
  if (typeof process.getuid !== 'function' || process.getuid() !== 0) {
    return (
      `${CHROMIUM} is missing and this process is not root, so it cannot install it.\n` +
      `Install the Debian package "chromium" as root, then run the tests again:\n  ${INSTALL_COMMAND}`
    );
  }
  log(`[run] ${CHROMIUM} is missing; installing the Debian package "chromium" (runs as root)`);
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
  for (const args of [
    ['update'],
    ['install', '-y', '--no-install-recommends', 'chromium'],
  ]) {
    log(`[run] $ apt-get ${args.join(' ')}`);
    const r = spawnSync('apt-get', args, { stdio: 'inherit', env });
    if (r.error) return `apt-get ${args[0]} could not start: ${r.error.message}`;
    if (r.status !== 0) return `apt-get ${args.join(' ')} failed with exit code ${r.status}`;
  }
  if (!existsSync(CHROMIUM)) return `apt-get installed "chromium" but ${CHROMIUM} still does not exist`;
  return null;
}

/** Flags verified in TOOLCHAIN.md; the last one stops all DNS traffic. */
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
