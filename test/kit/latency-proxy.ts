import { createServer, Socket, type Server } from 'node:net';

export interface LatencyProxyOptions {
  /** Round trip added, ms: each direction is delayed by half of it. Default 0. */
  rttMs?: number;
  /** Up to this many ms more on each chunk, at random (order is kept: TCP never reorders). Default 0. */
  jitterMs?: number;
}

/**
 * A loopback TCP proxy that adds latency: `127.0.0.1:<port>` → `target`. Every chunk, each way,
 * is held for `rttMs / 2` plus up to `jitterMs` and then written, never before a chunk that came
 * earlier (the way a slow network delays a TCP stream without reordering it). Real time: the
 * delays are the runtime's timers, not the library's clock.
 *
 * `freeze()` makes a dead peer: every connection, open or new, stays open but nothing is
 * forwarded either way (what the far end sends is dropped), as when a NAT forgets a flow or a
 * server hangs. `thaw()` ends the frozen connections (they are dead for good) and forwards new
 * ones again.
 *
 *     const proxy = await latencyProxy(fake.port, { rttMs: 800, jitterMs: 100 });
 *     … new Mastodon({ apiBaseUrl: proxy.url }) …
 *     await proxy.close();
 */
export interface LatencyProxy {
  port: number;
  /** `http://127.0.0.1:<port>` */
  url: string;
  /** TCP connections made through the proxy since it started. */
  connections: number;
  /** Connections now open. */
  open(): number;
  freeze(): void;
  thaw(): void;
  /** Ends every connection and stops listening. */
  close(): Promise<void>;
}

export async function latencyProxy(targetPort: number, o: LatencyProxyOptions = {}): Promise<LatencyProxy> {
  const oneWay = (o.rttMs ?? 0) / 2;
  const jitter = o.jitterMs ?? 0;
  const sockets = new Set<Socket>();
  const timers = new Set<ReturnType<typeof setTimeout>>();
  let frozen = false;
  /** The pairs accepted while frozen, or open when it froze: ended by thaw(). */
  let dead: Socket[] = [];

  /**
   * Forwards `from` → `to` with the delay, in order: one queue per direction, drained by one
   * timer at a time (timers of different lengths may fire out of order; a queue cannot).
   */
  const pipe = (from: Socket, to: Socket, isFrozen: () => boolean): void => {
    const queue: { at: number; chunk: Buffer | null }[] = [];
    let last = 0;
    let timer: ReturnType<typeof setTimeout> | undefined;
    const drain = (): void => {
      if (timer) timers.delete(timer);
      timer = undefined;
      while (queue.length && queue[0]!.at <= Date.now()) {
        const { chunk } = queue.shift()!;
        if (isFrozen() || to.destroyed) continue;
        if (chunk) to.write(chunk);
        else to.end();
      }
      if (queue.length) {
        timer = setTimeout(drain, Math.max(1, queue[0]!.at - Date.now()));
        timers.add(timer);
      }
    };
    const push = (chunk: Buffer | null): void => {
      if (isFrozen()) return;
      last = Math.max(last, Date.now() + oneWay + Math.random() * jitter);
      queue.push({ at: last, chunk });
      if (!timer) drain();
    };
    from.on('data', (chunk: Buffer) => push(chunk));
    from.on('end', () => push(null));
  };

  const server: Server = createServer((client) => {
    proxy.connections++;
    const upstream = new Socket();
    upstream.connect(targetPort, '127.0.0.1');
    client.setNoDelay(true);
    upstream.setNoDelay(true);
    for (const s of [client, upstream]) {
      sockets.add(s);
      s.on('close', () => sockets.delete(s));
      s.on('error', () => {
        client.destroy();
        upstream.destroy();
      });
      s.on('close', () => {
        client.destroy();
        upstream.destroy();
      });
    }
    let mine = false;
    const isFrozen = (): boolean => mine || frozen;
    if (frozen) dead.push(client, upstream);
    pipe(client, upstream, isFrozen);
    pipe(upstream, client, isFrozen);
    // Once frozen, this pair stays dead even after thaw() (until thaw ends it).
    client.once('close', () => (mine = true));
    freezers.add(() => (mine = true));
  });
  const freezers = new Set<() => void>();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as { port: number }).port;

  const proxy: LatencyProxy = {
    port,
    url: `http://127.0.0.1:${port}`,
    connections: 0,
    open: () => sockets.size / 2,
    freeze() {
      frozen = true;
      for (const f of freezers) f();
      freezers.clear();
      dead = [...sockets];
    },
    thaw() {
      frozen = false;
      for (const s of dead) s.destroy();
      dead = [];
    },
    async close() {
      for (const t of timers) clearTimeout(t);
      timers.clear();
      for (const s of sockets) s.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
  return proxy;
}
