// How `npm test` finds Chromium on a machine that is not this Debian one: CHROMIUM_PATH first,
// the system's Chromium or Chrome, then a browser playwright already downloaded; when none is
// there it says what to install on Debian, Fedora and macOS, and only as root on Debian does it
// install with apt-get. The machine is simulated (files that exist, folders, root or not).
import { describe, expect, it } from 'vitest';
import { ensureChromium, findChromium, INSTALL_HELP } from './setup/ensure-chromium.mjs';

function machine(files: string[], folders: Record<string, string[]> = {}) {
  const set = new Set(files);
  return {
    exists: (p: string) => set.has(p),
    list: (d: string) => {
      if (!(d in folders)) throw Object.assign(new Error(`ENOENT: ${d}`), { code: 'ENOENT' });
      return folders[d]!;
    },
    add: (p: string) => set.add(p),
  };
}

describe('findChromium', () => {
  it('takes CHROMIUM_PATH before anything else', () => {
    const m = machine(['/opt/chrome/chrome', '/usr/bin/chromium']);
    expect(findChromium({ env: { CHROMIUM_PATH: '/opt/chrome/chrome' }, ...m })).toEqual({ path: '/opt/chrome/chrome' });
  });

  it('says so when CHROMIUM_PATH names nothing (and does not fall back silently)', () => {
    const m = machine(['/usr/bin/chromium']);
    const r = findChromium({ env: { CHROMIUM_PATH: '/nope/chrome' }, ...m });
    expect(r.path).toBeUndefined();
    expect(r.error).toBe(`CHROMIUM_PATH is set to /nope/chrome, which does not exist.\n${INSTALL_HELP}`);
  });

  it('finds Debian\'s /usr/bin/chromium, then Chrome on Fedora or macOS', () => {
    expect(findChromium({ env: {}, ...machine(['/usr/bin/chromium', '/usr/bin/google-chrome']) })).toEqual({ path: '/usr/bin/chromium' });
    expect(findChromium({ env: {}, ...machine(['/usr/bin/chromium-browser']) })).toEqual({ path: '/usr/bin/chromium-browser' });
    const mac = '/Applications/Google Chrome.app/Contents/MacOS/Google Chrome';
    expect(findChromium({ env: {}, ...machine([mac]) })).toEqual({ path: mac });
  });

  it('uses the newest browser playwright downloaded when there is no system one', () => {
    const m = machine(
      ['/h/.cache/ms-playwright/chromium-1140/chrome-linux/chrome', '/h/.cache/ms-playwright/chromium-1200/chrome-linux64/chrome'],
      { '/h/.cache/ms-playwright': ['ffmpeg-1010', 'chromium-1140', 'chromium-1200', 'chromium_headless_shell-1200'] },
    );
    expect(findChromium({ env: { HOME: '/h' }, ...m })).toEqual({ path: '/h/.cache/ms-playwright/chromium-1200/chrome-linux64/chrome' });
    const custom = machine(['/pw/chromium-1/chrome-mac-arm64/Chromium.app/Contents/MacOS/Chromium'], { '/pw': ['chromium-1'] });
    expect(findChromium({ env: { HOME: '/h', PLAYWRIGHT_BROWSERS_PATH: '/pw' }, ...custom }).path).toBe(
      '/pw/chromium-1/chrome-mac-arm64/Chromium.app/Contents/MacOS/Chromium',
    );
  });

  it('names every place it looked and what to install on Debian, Fedora and macOS', () => {
    const r = findChromium({ env: { HOME: '/h' }, ...machine([]) });
    expect(r.error).toBe(
      'No Chromium found for the browser tests. Looked for CHROMIUM_PATH (not set), /usr/bin/chromium, /usr/bin/chromium-browser, ' +
      '/usr/bin/google-chrome-stable, /usr/bin/google-chrome, /Applications/Chromium.app/Contents/MacOS/Chromium, ' +
      '/Applications/Google Chrome.app/Contents/MacOS/Google Chrome, and playwright\'s browsers in /h/.cache/ms-playwright, ' +
      `/h/Library/Caches/ms-playwright.\n${INSTALL_HELP}`,
    );
    expect(INSTALL_HELP).toContain('  Debian, Ubuntu:  sudo apt-get install chromium');
    expect(INSTALL_HELP).toContain('  Fedora:          sudo dnf install chromium');
    expect(INSTALL_HELP).toContain('  macOS:           brew install --cask chromium');
    expect(INSTALL_HELP).toContain('npm run test:unit');
  });
});

describe('ensureChromium', () => {
  const debian = ['/usr/bin/apt-get', '/etc/debian_version'];
  const quiet = () => {};

  it('installs with apt-get as root on Debian, and reports success', () => {
    const m = machine(debian);
    const calls: string[] = [];
    const run = (cmd: string, args: string[]) => {
      calls.push([cmd, ...args].join(' '));
      if (args[0] === 'install') m.add('/usr/bin/chromium');
      return { status: 0 };
    };
    expect(ensureChromium({ env: { HOME: '/h' }, ...m, isRoot: true, run, log: quiet })).toBeNull();
    expect(calls).toEqual(['apt-get update', 'apt-get install -y --no-install-recommends chromium']);
  });

  it('never runs apt-get when not root, or not on Debian: it explains instead', () => {
    const run = () => {
      throw new Error('must not run');
    };
    const notRoot = ensureChromium({ env: { HOME: '/h' }, ...machine(debian), isRoot: false, run, log: quiet });
    expect(notRoot).toMatch(/^No Chromium found for the browser tests\./);
    expect(notRoot).toContain('Fedora:          sudo dnf install chromium');
    const fedoraRoot = ensureChromium({ env: { HOME: '/h' }, ...machine(['/etc/fedora-release']), isRoot: true, run, log: quiet });
    expect(fedoraRoot).toMatch(/^No Chromium found for the browser tests\./);
  });

  it('reports a failed apt-get with its exit code and the help', () => {
    const r = ensureChromium({ env: { HOME: '/h' }, ...machine(debian), isRoot: true, run: () => ({ status: 100 }), log: quiet });
    expect(r).toBe(`apt-get update failed with exit code 100\n${INSTALL_HELP}`);
  });

  it('is satisfied by what is already there', () => {
    expect(ensureChromium({ env: {}, ...machine(['/usr/bin/google-chrome']), isRoot: false, log: quiet })).toBeNull();
  });
});
