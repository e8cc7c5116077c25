// Types for ensure-chromium.mjs (plain ESM so test/run.mjs can run it without a compiler).
export const SYSTEM_CANDIDATES: string[];
export const CHROMIUM: string;
export const INSTALL_COMMAND: string;
export const INSTALL_HELP: string;
export const CHROMIUM_ARGS: string[];

/** What findChromium/ensureChromium read from the machine; tests pass a simulated one. */
export interface MachineProbe {
  env?: Record<string, string | undefined>;
  exists?: (path: string) => boolean;
  list?: (dir: string) => string[];
}
/** Where Chromium is (`path`), or why none was found and what to install (`error`). */
export function findChromium(opts?: MachineProbe): { path: string; error?: undefined } | { path?: undefined; error: string };
/** Installs Chromium if missing (as root on Debian); returns null when it is there, else an error message. */
export function ensureChromium(
  opts?: MachineProbe & {
    log?: (msg: string) => void;
    isRoot?: boolean;
    run?: (cmd: string, args: string[], opts: object) => { status: number | null; error?: Error };
  },
): string | null;
