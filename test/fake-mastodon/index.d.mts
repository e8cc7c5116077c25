// Types for the fake Mastodon server (index.mjs). Hand-written; keep in sync.

export interface PageParams {
  max_id?: string | null;
  since_id?: string | null;
  min_id?: string | null;
  limit?: number;
}

/** The in-memory store (store.mjs). Ids are decimal strings, compared as big integers. */
export interface FakeStore {
  readonly statuses: Map<string, any>;
  readonly notifications: Map<string, any>;
  readonly conversations: Map<string, any>;
  readonly announcements: Map<string, any>;
  /** Timeline names: 'home', 'public', 'public:local', 'public:remote', 'tag:<tag>', 'tag:local:<tag>', 'list:<id>'. */
  readonly timelines: Map<string, { ids: string[] }>;
  readonly statusIds: { next(): string };
  readonly notificationIds: { next(): string };
  getStatus(id: string): any;
  /** Newest first, Mastodon paging. */
  pageTimeline(name: string, params: PageParams, filter?: (status: any) => boolean): any[];
  pageNotifications(params: PageParams, filter?: (n: any) => boolean): any[];
  pageConversations(params: PageParams): any[];
}

export type StreamName =
  | 'user' | 'user:notification'
  | 'public' | 'public:media' | 'public:local' | 'public:local:media' | 'public:remote' | 'public:remote:media'
  | 'hashtag' | 'hashtag:local' | 'list' | 'direct';

/** A WebSocket stream name plus its parameter: `{stream:'hashtag', tag:'cats'}`, `{stream:'list', list:'12'}`. */
export interface StreamKey {
  stream: StreamName | (string & {});
  tag?: string;
  list?: string | number;
}

/** Selects connections: by request path (exact string or RegExp) and/or kind. */
export interface ConnFilter {
  path?: string | RegExp;
  kind?: 'sse' | 'ws';
}

export interface FakeMastodonOptions {
  /** Interval of heartbeats on SSE streams; 0 disables. Default 15000. */
  heartbeatMs?: number;
  /** 'modern' => ':thump\n\n' (>= 4.6), 'legacy' => ':thump\n'. Default 'modern'. */
  heartbeatStyle?: 'modern' | 'legacy';
  /** true: one port serves the API and the streaming paths. Default false. */
  sameHost?: boolean;
  /** 'v2': /api/v2/instance and /api/v1/instance exist (Mastodon 4); 'v1': only v1; 'none': neither (404). Default 'v2'. */
  instanceVersion?: 'v2' | 'v1' | 'none';
  /** Value to return as the streaming URL in the instance JSON instead of ws://127.0.0.1:<port>. */
  streamingUrlOverride?: string;
  /** token -> scopes. Default { 'test-token': ['read'] }. */
  tokens?: Record<string, string[]>;
  /** Tokens that are app tokens (no user): refused by streaming with 401 Invalid access token. */
  appTokens?: string[];
  /** List ids the token owner may stream. Default ['12', '13']. */
  ownedLists?: string[];
  /** REST rate limit per token. Default { limit: 300, windowMs: 300000 }. */
  rateLimit?: { limit: number; windowMs: number };
  /** Generate realistic traffic. Default false. */
  demo?: boolean;
  /** Demo actions per second. Default 1. */
  demoRatePerSec?: number;
  /** Seed of the demo's PRNG. Default 1. */
  demoSeed?: number;
  /** Server ping interval on WebSockets; 0 disables. Default 30000. */
  wsPingMs?: number;
  /** Delay before a WebSocket subscribe error is sent. Default 0. */
  wsSubscribeErrorDelayMs?: number;
  /**
   * Second element of a hashtag stream array on WebSocket messages: the subscriber's tag as it
   * subscribed ('subscribed', what the real server does) or the tag as published. Default 'subscribed'.
   */
  hashtagStreamCase?: 'subscribed' | 'published';
  /**
   * converse(): also publish 'conversation' on the user stream. The real server sends it only on
   * 'direct' (the user stream gets the direct status as 'update'). Default false.
   */
  conversationOnUserStream?: boolean;
  /** Log each request to the console. Default false. */
  log?: boolean;
}

export interface RecordedRequest {
  time: number;
  method: string;
  /** Path without the query. */
  path: string;
  /** Path and query. */
  url: string;
  /** Lower-cased header names. */
  headers: Record<string, string | string[] | undefined>;
  host: 'api' | 'streaming';
  kind: 'sse' | 'ws' | 'rest' | 'other';
}

export interface WsMessageRecord {
  time: number;
  socketId: number;
  message: any;
}

export interface FailOptions {
  /** Retry-After header, in seconds. */
  retryAfter?: number;
  /** Body to send instead of the default one. */
  body?: string;
  headers?: Record<string, string>;
  /** Which connects fail. Default 'streaming' (SSE GET or WS upgrade). */
  kind?: 'sse' | 'ws' | 'rest' | 'any' | 'streaming';
  /** Error message: the JSON body's "error" and, for WS upgrades, X-Error-Message. */
  message?: string;
}

export interface RawReply {
  status: number;
  headers?: Record<string, string>;
  body?: string;
  kind?: 'sse' | 'ws' | 'rest' | 'any' | 'streaming';
}

export type Json = any;

export interface FakeMastodon {
  /** 'http://127.0.0.1:<port>': REST / web host. */
  readonly apiUrl: string;
  /** 'http://127.0.0.1:<port2>' (same as apiUrl when sameHost). */
  readonly streamingUrl: string;
  /** The first (user) token. */
  readonly token: string;
  readonly store: FakeStore;
  /** Every request, including WebSocket upgrades and preflights. */
  readonly requests: RecordedRequest[];
  /** Every parsed WebSocket client message (subscribe, unsubscribe, ...). */
  readonly wsMessages: WsMessageRecord[];
  /** The accounts entities are built from; accounts[0] is the token owner. */
  readonly accounts: Json[];
  readonly me: Json;
  readonly options: Required<Omit<FakeMastodonOptions, 'streamingUrlOverride'>> & { streamingUrlOverride: string | undefined };

  /** Open SSE responses + open WebSockets. */
  connections(): number;
  sseConnections(): number;
  wsConnections(): number;
  /** Active WebSocket subscriptions across sockets. */
  subscriptions(): number;
  waitForConnections(n: number, opts?: { timeoutMs?: number }): Promise<void>;
  waitForSubscriptions(n: number, opts?: { timeoutMs?: number }): Promise<void>;
  /** Resolves with the first matching recorded request, past or future. */
  waitForRequest(predicate: (r: RecordedRequest) => boolean, opts?: { timeoutMs?: number }): Promise<RecordedRequest>;
  /** Re-checked whenever a request, connection or subscription changes. */
  waitFor<T>(check: () => T, opts?: { timeoutMs?: number }): Promise<NonNullable<T>>;

  /** payload: object -> JSON (one line); string -> raw; undefined -> dropped. */
  publish(key: StreamKey, event: string, payload: unknown): void;
  postStatus(partial?: {
    text?: string; content?: string; tags?: string[]; lists?: Array<string | number>; local?: boolean;
    media?: boolean | number; media_attachments?: Json[]; account?: Json | string; mentions?: Array<Json | string>;
    visibility?: 'public' | 'unlisted' | 'private' | 'direct'; [field: string]: unknown;
  }): Json;
  editStatus(id: string, changes?: { text?: string; [field: string]: unknown }): Json;
  /** Publishes 'delete' and removes it from the store; false when the id was unknown. */
  deleteStatus(id: string): boolean;
  notify(type: string, partial?: { account?: Json | string; status?: Json; [field: string]: unknown }): Json;
  converse(partial?: { account?: Json | string; text?: string; conversationId?: string; [field: string]: unknown }): Json;
  announce(partial?: { text?: string; [field: string]: unknown }): Json;
  react(partial?: { announcement_id?: string; name?: string; count?: number }): { name: string; count: number; announcement_id: string };
  unannounce(id: string): void;

  /** Resolves with the number of SSE connections written to. Bypasses stall. */
  writeRaw(bytes: string | Uint8Array, opts?: { splitAt?: number[]; delayMs?: number; filter?: ConnFilter }): Promise<number>;
  /** Abrupt TCP destroy (SSE and WS). Returns the number of connections. */
  dropConnections(filter?: ConnFilter): number;
  /** SSE: clean end of the chunked body. WS: close frame without a code (peer sees 1005). */
  endStreams(filter?: ConnFilter): number;
  stall(filter?: ConnFilter): number;
  unstall(filter?: ConnFilter): number;
  failNext(n: number, status: number, opts?: FailOptions): void;
  failNextRest(n: number, status: number, opts?: Omit<FailOptions, 'kind'>): void;
  replyRaw(reply: RawReply): void;
  clearFaults(): void;
  revoke(token: string): void;
  /** Writes `count` copies of one event, `chunkEvents` per write, honouring backpressure. */
  blast(key: StreamKey, event: string, payload: string, count: number, opts?: { chunkEvents?: number }): Promise<void>;
  close(): Promise<void>;
}

export function startFakeMastodon(options?: FakeMastodonOptions): Promise<FakeMastodon>;
export const Store: new (opts?: { cap?: number }) => FakeStore;
export function compareIds(a: string, b: string): -1 | 0 | 1;
export const NOTIFICATION_TYPES: string[];
