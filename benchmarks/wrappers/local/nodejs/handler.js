'use strict';
// SeBS local function server (Node.js, standard library only).
// Serves one code package: GET /alive, POST / with a JSON event. See benchmarks/wrappers/README.md.
// Env: SEBS_PORT (required), SEBS_HOST (default 127.0.0.1), SEBS_CONTAINER_ID (default: 8 random hex chars),
// SEBS_DEBUG (log every request to stderr).
const http = require('http');
const path = require('path');
const crypto = require('crypto');
const { performance } = require('perf_hooks');

const PKG_ROOT = __dirname;
const DEBUG = !!process.env.SEBS_DEBUG;
const CONTAINER_ID = process.env.SEBS_CONTAINER_ID || crypto.randomBytes(4).toString('hex');
const ALIVE = Buffer.from(JSON.stringify({ status: 'ok' }));

// Wall-clock microseconds: the high-resolution origin plus the monotonic clock.
const ORIGIN_US = BigInt(Math.round(performance.timeOrigin * 1000));
function nowUs() {
  return ORIGIN_US + BigInt(Math.round(performance.now() * 1000));
}
function timestamp(us) {
  return `${us / 1000000n}.${(us % 1000000n).toString().padStart(6, '0')}`;
}
function describe(err) {
  if (err instanceof Error) {
    return { type: err.name || err.constructor.name, message: err.message, traceback: String(err.stack || err) };
  }
  return { type: typeof err, message: String(err), traceback: '' };
}

let handler = null;
let cold = true;
let queue = Promise.resolve(); // one invocation at a time (one sandbox = one concurrent invocation)

async function invoke(event) {
  const isCold = cold;
  cold = false;
  const out = {
    begin: null, end: null, is_cold: isCold, container_id: CONTAINER_ID,
    request_id: crypto.randomUUID(), result: null, compute_time: 0,
  };
  try {
    if (handler === null) handler = require(path.join(PKG_ROOT, 'function', 'function.js')).handler; // outside begin/end
    if (typeof handler !== 'function') {
      handler = null;
      throw new TypeError('function/function.js does not export a handler function');
    }
  } catch (err) {
    const now = timestamp(nowUs());
    Object.assign(out, { begin: now, end: now, error: describe(err) });
    return [500, out];
  }
  let status = 200;
  const begin = nowUs();
  const t0 = process.hrtime.bigint();
  let t1;
  try {
    out.result = await handler(event);
    t1 = process.hrtime.bigint();
  } catch (err) {
    t1 = process.hrtime.bigint();
    out.result = null;
    out.error = describe(err);
    status = 500;
  }
  const end = nowUs();
  out.begin = timestamp(begin);
  out.end = timestamp(end);
  out.compute_time = Number(t1 - t0) / 1000;
  if (out.result === undefined) out.result = null;
  return [status, out];
}

function send(res, status, body) {
  const buf = Buffer.isBuffer(body) ? body : Buffer.from(JSON.stringify(body));
  res.writeHead(status, { 'Content-Type': 'application/json', 'Content-Length': buf.length });
  res.end(buf);
  if (DEBUG) process.stderr.write(`[sebs-function] ${res.req.method} ${res.req.url} ${status} ${buf.length}\n`);
}

function serialize(out) {
  try {
    return JSON.stringify(out);
  } catch (err) { // e.g. a BigInt or a cycle in the result
    out.result = String(out.result);
    return JSON.stringify(out);
  }
}

const server = http.createServer({ noDelay: true, keepAlive: true }, (req, res) => {
  const url = req.url.split('?', 1)[0];
  const chunks = [];
  req.on('data', (c) => chunks.push(c));
  req.on('error', () => {});
  req.on('end', () => {
    if (url === '/alive' && (req.method === 'GET' || req.method === 'POST')) return send(res, 200, ALIVE);
    if (req.method !== 'POST' || url !== '/') {
      return send(res, 404, { error: { type: 'NotFound', message: `${req.method} ${url}: use GET /alive or POST /` } });
    }
    const text = Buffer.concat(chunks).toString('utf-8');
    let event;
    try {
      event = text.trim() === '' ? {} : JSON.parse(text);
    } catch (err) {
      return send(res, 400, {
        container_id: CONTAINER_ID,
        error: { type: 'BadRequest', message: `the body is not valid JSON: ${err.message}` },
      });
    }
    const run = queue.then(() => invoke(event));
    queue = run.catch(() => {});
    run.then(([status, out]) => send(res, status, Buffer.from(serialize(out))),
      (err) => send(res, 500, { container_id: CONTAINER_ID, result: null, error: describe(err) }));
  });
});

// A stray rejection or exception from benchmark code must not take the sandbox down.
process.on('unhandledRejection', (err) => {
  process.stderr.write(`[sebs-function] unhandled rejection: ${err && err.stack ? err.stack : err}\n`);
});
process.on('uncaughtException', (err) => {
  process.stderr.write(`[sebs-function] uncaught exception: ${err && err.stack ? err.stack : err}\n`);
});

const port = process.env.SEBS_PORT;
if (!port) {
  process.stderr.write('SEBS_PORT is required\n');
  process.exit(2);
}
const host = process.env.SEBS_HOST || '127.0.0.1';
server.on('error', (err) => {
  process.stderr.write(`[sebs-function] cannot listen: ${err.message}\n`);
  process.exit(1);
});
server.keepAliveTimeout = 60000;
server.headersTimeout = 65000;
server.listen(Number(port), host, () => {
  process.stderr.write(`[sebs-function] node ${process.version} serving ${PKG_ROOT} on ${host}:${server.address().port} (container ${CONTAINER_ID})\n`);
});
