// An unpacked MV3 extension in Chromium, for the tests that stop its service worker: the files
// copied to a fresh folder, a fresh profile, the worker found, and Chrome's way of stopping an
// idle worker (the DevTools protocol's ServiceWorker.stopAllWorkers).
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type BrowserContext, type Page, type Worker } from 'playwright-core';
import { CHROMIUM, CHROMIUM_ARGS, INSTALL_COMMAND } from '../setup/ensure-chromium.mjs';

export interface Extension {
  context: BrowserContext;
  /** The service worker as it first started. */
  worker: Worker;
  /** The extension id (the host of its chrome-extension:// URLs). */
  id: string;
  /** Stops every service worker, as Chrome stops an idle one; resolves with the page the DevTools session runs in. */
  stopWorkers(): Promise<Page>;
  /** Closes the browser and removes the profile and the copied files. */
  close(): Promise<void>;
}

/** Loads an extension made of `files` (name in the extension → file to copy) in a new Chromium profile. */
export async function loadExtension(files: Record<string, string>): Promise<Extension> {
  if (!existsSync(CHROMIUM)) throw new Error(`${CHROMIUM} is missing; install it: ${INSTALL_COMMAND}`);
  const tmp = mkdtempSync(join(tmpdir(), 'mastodon-streaming-extension-'));
  const close = async () => {
    await context?.close().catch(() => undefined);
    rmSync(tmp, { recursive: true, force: true });
  };
  let context: BrowserContext | undefined;
  try {
    const dir = join(tmp, 'extension');
    mkdirSync(dir);
    for (const [name, from] of Object.entries(files)) copyFileSync(from, join(dir, name));
    context = await chromium.launchPersistentContext(join(tmp, 'profile'), {
      executablePath: CHROMIUM,
      headless: true,
      timeout: 30_000,
      args: [...CHROMIUM_ARGS, `--disable-extensions-except=${dir}`, `--load-extension=${dir}`],
    });
    const worker = context.serviceWorkers()[0] ?? (await context.waitForEvent('serviceworker', { timeout: 60_000 }));
    const c = context;
    return {
      context: c,
      worker,
      id: new URL(worker.url()).host,
      async stopWorkers() {
        const page = await c.newPage();
        const cdp = await c.newCDPSession(page);
        await cdp.send('ServiceWorker.enable');
        await cdp.send('ServiceWorker.stopAllWorkers');
        return page;
      },
      close,
    };
  } catch (err) {
    await close();
    throw err;
  }
}
