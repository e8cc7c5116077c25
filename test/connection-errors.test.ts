// A connection that cannot be made says where to and why in its message: the stream's URL (so
// the host) and the reason that undici keeps a `cause` down — a name that does not resolve, a
// refused port, a certificate the runtime does not trust. Real sockets on 127.0.0.1.
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer as createHttpsServer, type Server } from 'node:https';
import { createServer as createNetServer, type AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { Mastodon, MastodonNetworkError } from '../src/index.js';

const TOKEN = 'connection-errors-token';
const dir = mkdtempSync(join(tmpdir(), 'mastodon-streaming-tls-'));
let https: Server | undefined;

/** A port on 127.0.0.1 that nothing listens on. */
async function deadPort(): Promise<number> {
  const s = createNetServer();
  await new Promise<void>((r) => s.listen(0, '127.0.0.1', r));
  const { port } = s.address() as AddressInfo;
  await new Promise((r) => s.close(r));
  return port;
}

/** The error a one-shot (blocking) user stream fails with. */
async function failure(base: string, transport: 'sse' | 'websocket' = 'sse'): Promise<MastodonNetworkError> {
  const m = new Mastodon({ apiBaseUrl: base, streamingBaseUrl: base, accessToken: TOKEN, transport, WebSocket });
  const err = await m.streamUser({}).then(() => undefined, (e: unknown) => e);
  expect(err).toBeInstanceOf(MastodonNetworkError);
  const e = err as MastodonNetworkError;
  expect(e.fatal).toBe(false);
  expect(e.status).toBeUndefined();
  expect(e.message).not.toContain(TOKEN);
  return e;
}

beforeAll(async () => {
  // A self-signed certificate for 127.0.0.1, made now (openssl is on Debian, Fedora and macOS).
  await new Promise<void>((resolve, reject) =>
    execFile('openssl', ['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes', '-days', '2',
      '-subj', '/CN=127.0.0.1', '-keyout', join(dir, 'key.pem'), '-out', join(dir, 'cert.pem')], { timeout: 30_000 },
    (err, _out, stderr) => (err ? reject(new Error(`openssl could not make a test certificate: ${stderr || err.message}`)) : resolve())));
  https = createHttpsServer({ key: readFileSync(join(dir, 'key.pem')), cert: readFileSync(join(dir, 'cert.pem')) }, (_req, res) => res.end('never reached'));
  await new Promise<void>((r) => https!.listen(0, '127.0.0.1', r));
});

afterAll(async () => {
  if (https) await new Promise((r) => https!.close(r));
  rmSync(dir, { recursive: true, force: true });
});

describe('connection errors name the host and the cause', () => {
  it('a refused port (ECONNREFUSED)', async () => {
    const port = await deadPort();
    const e = await failure(`http://127.0.0.1:${port}`);
    expect(e.message).toBe(`Connection to http://127.0.0.1:${port}/api/v1/streaming/user failed (Error: connect ECONNREFUSED 127.0.0.1:${port})`);
  });

  it('over WebSocket too: a refused port names the host', async () => {
    const port = await deadPort();
    const e = await failure(`http://127.0.0.1:${port}`, 'websocket');
    expect(e.message).toBe(`Could not connect to http://127.0.0.1:${port}/api/v1/streaming`);
  });

  it('a name that does not resolve (ENOTFOUND; EAI_AGAIN where no resolver answers)', async () => {
    const e = await failure('https://mastodon.invalid');
    expect(e.message).toMatch(
      /^Connection to https:\/\/mastodon\.invalid\/api\/v1\/streaming\/user failed \(Error: getaddrinfo (ENOTFOUND|EAI_AGAIN) mastodon\.invalid\)$/,
    );
  }, 30_000);

  it('a certificate the runtime does not trust', async () => {
    const { port } = https!.address() as AddressInfo;
    const e = await failure(`https://127.0.0.1:${port}`);
    expect(e.message).toBe(`Connection to https://127.0.0.1:${port}/api/v1/streaming/user failed (Error: self-signed certificate)`);
    // The whole chain stays available to code that wants it.
    expect((e.cause as Error & { cause: { code: string } }).cause.code).toBe('DEPTH_ZERO_SELF_SIGNED_CERT');
  });
});
