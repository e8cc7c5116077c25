// Types for ensure-chromium.mjs (plain ESM so test/run.mjs can run it without a compiler).
export const CHROMIUM: string;
export const INSTALL_COMMAND: string;
export const CHROMIUM_ARGS: string[];
/** Installs Chromium if missing (as root); returns null when it is there, else an error message. */
export function ensureChromium(opts?: { log?: (msg: string) => void }): string | null;
