// Small HTTP helpers shared by the SSE and REST sides.

export const CORS = { 'Access-Control-Allow-Origin': '*' };

/**
 * @param {import('node:http').ServerResponse} res @param {number} status @param {unknown} body
 * @param {Record<string, string>} [headers]
 */
export function sendJson(res, status, body, headers = {}) {
  const text = JSON.stringify(body);
  res.writeHead(status, {
    ...CORS,
    'Content-Type': 'application/json; charset=utf-8',
    'Content-Length': String(Buffer.byteLength(text)),
    ...headers,
  });
  res.end(text);
}

/**
 * @param {import('node:http').ServerResponse} res @param {{ status: number, headers: Record<string, string>, body: string }} r
 */
export function sendCanned(res, r) {
  const body = Buffer.from(r.body ?? '');
  res.writeHead(r.status, { ...CORS, 'Content-Length': String(body.length), ...r.headers });
  res.end(body);
}

/**
 * CORS preflight: 204, any origin, the requested headers reflected.
 * @param {import('node:http').IncomingMessage} req @param {import('node:http').ServerResponse} res
 */
export function preflight(req, res) {
  /** @type {Record<string, string>} */
  const headers = {
    ...CORS,
    'Access-Control-Allow-Methods': 'GET, HEAD, POST, PUT, PATCH, DELETE, OPTIONS',
    'Access-Control-Max-Age': '86400',
    Vary: 'Access-Control-Request-Headers',
    'Content-Length': '0',
  };
  const requested = req.headers['access-control-request-headers'];
  if (requested) headers['Access-Control-Allow-Headers'] = requested;
  res.writeHead(204, headers);
  res.end();
}

/** @param {number} ms */
export const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

/** Let the event loop run a full turn (so a peer reads what was written). */
export const turn = () => new Promise((r) => setImmediate(() => setImmediate(r)));
