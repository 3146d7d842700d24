'use strict';
// SeBS function wrapper for Google Cloud Run functions, Node.js runtimes (deployed as index.js, entry point "handler").
// See benchmarks/wrappers/gcp/README.md for the contract.
const crypto = require('crypto');
const fs = require('fs');
const os = require('os');
const path = require('path');
const { performance } = require('perf_hooks');

// Wall-clock microseconds: the high-resolution origin plus the monotonic clock.
const ORIGIN_US = BigInt(Math.round(performance.timeOrigin * 1000));
const nowUs = () => ORIGIN_US + BigInt(Math.round(performance.now() * 1000));
const timestamp = (us) => `${us / 1000000n}.${(us % 1000000n).toString().padStart(6, '0')}`;

function describe(err) {
  if (err instanceof Error) return { type: err.name || err.constructor.name, message: err.message, traceback: String(err.stack || err) };
  return { type: typeof err, message: String(err), traceback: '' };
}

// The benchmark is loaded while the instance starts when possible; a failure is reported by the first request.
let benchmark = null;
function load() {
  if (!benchmark) benchmark = require(path.join(__dirname, 'function', 'function'));
  return benchmark;
}
try { load(); } catch (_) { /* reported per request */ }

// (isCold, containerId) from the instance's marker file (/tmp is per instance on Cloud Run).
function container() {
  const marker = path.join(os.tmpdir(), 'cold_run');
  try {
    const id = fs.readFileSync(marker, 'utf8').trim();
    if (id) return [false, id];
  } catch (_) { /* first request of this instance */ }
  const id = crypto.randomBytes(4).toString('hex');
  const tmp = `${marker}.${id}`;
  fs.writeFileSync(tmp, id);
  fs.renameSync(tmp, marker);
  return [true, id];
}

// The trace id: X-Cloud-Trace-Context is TRACE_ID/SPAN_ID;o=1, and the request log's trace names TRACE_ID.
function requestId(req) {
  const value = req.get('X-Cloud-Trace-Context') || req.get('Function-Execution-Id') || crypto.randomBytes(16).toString('hex');
  return String(value).split('/')[0];
}

function respond(res, status, out) {
  res.status(status).set('Content-Type', 'application/json').send(JSON.stringify(out));
}

exports.handler = async (req, res) => {
  const income = Date.now() / 1000;
  const id = requestId(req);
  const [isCold, containerId] = container();
  const out = {
    begin: null, end: null, results_time: 0, is_cold: isCold, result: null, request_id: id,
    cold_start_var: process.env.cold_start || '', container_id: containerId, compute_time: 0,
  };
  let fn;
  let event;
  try {
    event = req.body;
    if (Buffer.isBuffer(event)) event = event.length ? JSON.parse(event.toString('utf8')) : {};
    else if (typeof event === 'string') event = event.trim() ? JSON.parse(event) : {};
    if (event === undefined || event === null) event = {};
    if (typeof event === 'object' && !Array.isArray(event)) {
      // A request id the caller chose wins: experiments name their own files after it (020/030).
      if (event['request-id'] === undefined) event['request-id'] = id;
      event['income-timestamp'] = income;
    }
    fn = load().handler; // outside begin/end
  } catch (err) {
    const now = timestamp(nowUs());
    out.begin = now;
    out.end = now;
    out.error = describe(err);
    return respond(res, 500, out);
  }
  let status = 200;
  const begin = nowUs();
  const t0 = process.hrtime.bigint();
  let t1;
  try {
    out.result = await fn(event);
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
  return respond(res, status, out);
};
