// WebSocket classes in memory, for unit tests of the socket adapter and the supervisor on the
// fake clock: no network, the test plays the server (open, say, drop) and reads what was sent.

/** A standard WebSocket (browsers, Deno, Bun, undici): records construction and sends. */
export class MemorySocket {
  /** Every socket constructed since the test last emptied it. */
  static made: MemorySocket[] = [];
  onopen: (() => void) | null = null;
  onmessage: ((e: { data: string }) => void) | null = null;
  onclose: ((e: { code: number }) => void) | null = null;
  onerror: (() => void) | null = null;
  /** The frames sent, as text. */
  sent: string[] = [];
  closed = 0;
  readyState = 0;
  constructor(
    readonly url: string,
    /** The second constructor argument: the subprotocol (the token) or the `ws` options. */
    readonly arg?: unknown,
  ) {
    MemorySocket.made.push(this);
  }
  send(s: string) {
    this.sent.push(s);
  }
  close() {
    this.closed++;
  }
  // The server's side.
  open() {
    this.readyState = 1;
    this.onopen?.();
  }
  say(m: unknown) {
    this.onmessage?.({ data: JSON.stringify(m) });
  }
  drop(code = 1006) {
    this.onclose?.({ code });
  }
}

/** The same with EventEmitter methods, as the `ws` package: headers, pings, refusal status, terminate. */
export class MemoryEmitterSocket extends MemorySocket {
  listeners: Record<string, (...a: any[]) => void> = {};
  terminated = 0;
  on(name: string, fn: (...a: any[]) => void) {
    this.listeners[name] = fn;
  }
  terminate() {
    this.terminated++;
  }
}
