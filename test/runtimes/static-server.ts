// Serves dist/ and test/runtimes/ to Chromium from 127.0.0.1 on its own port, so the pages'
// origin differs from the fake Mastodon's and every stream request is cross-origin (CORS, and a
// preflight because of the Authorization header).
import { createServer, type Server } from 'node:http';
import { readFile } from 'node:fs/promises';
import { extname, join, normalize, sep } from 'node:path';
import type { AddressInfo } from 'node:net';
import { repoRoot } from '../setup/env.mjs';

const types: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.json': 'application/json',
  '.ts': 'text/plain; charset=utf-8',
};
const defaultAllowed = ['/dist/', '/test/runtimes/'];

export interface StaticServer {
  origin: string;
  requests: string[];
  close(): Promise<void>;
}

/** `allowed`: path prefixes served (default `/dist/` and `/test/runtimes/`); anything else is 404. */
export async function startStaticServer(allowed: string[] = defaultAllowed): Promise<StaticServer> {
  const requests: string[] = [];
  const server: Server = createServer(async (req, res) => {
    const path = decodeURIComponent(new URL(req.url ?? '/', 'http://x').pathname);
    requests.push(`${req.method} ${path}`);
    const file = normalize(join(repoRoot, path));
    if (req.method !== 'GET' || !allowed.some((p) => path.startsWith(p)) || !file.startsWith(repoRoot + sep)) {
      res.writeHead(404).end();
      return;
    }
    try {
      const body = await readFile(file);
      res.writeHead(200, { 'content-type': types[extname(file)] ?? 'application/octet-stream', 'cache-control': 'no-store' });
      res.end(body);
    } catch {
      res.writeHead(404).end();
    }
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    origin: `http://127.0.0.1:${port}`,
    requests,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
