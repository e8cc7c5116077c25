import WebSocket from 'ws';

/**
 * A WebSocket as browsers, Deno, Bun and Node's own have it, made from `ws`: no headers, no
 * pings shown, no `on()`, and a refused upgrade is only close code 1006. Tests pass it as the
 * `WebSocket` option to take the library's standard-WebSocket path in Node.
 */
export class StandardLikeWebSocket {
  onopen: ((e: unknown) => void) | null = null;
  onmessage: ((e: { data: string }) => void) | null = null;
  onclose: ((e: { code: number }) => void) | null = null;
  onerror: ((e: unknown) => void) | null = null;
  private readonly ws: WebSocket;
  constructor(url: string, protocols?: string | string[]) {
    this.ws = new WebSocket(url, protocols);
    this.ws.onopen = () => this.onopen?.({});
    this.ws.onmessage = (e) => this.onmessage?.({ data: String(e.data) });
    this.ws.onerror = () => this.onerror?.({});
    this.ws.onclose = (e) => this.onclose?.({ code: e.code });
  }
  get readyState() {
    return this.ws.readyState;
  }
  send(data: string) {
    this.ws.send(data);
  }
  close() {
    this.ws.close();
  }
}
