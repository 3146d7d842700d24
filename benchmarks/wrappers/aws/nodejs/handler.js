'use strict';
// SeBS function wrapper for AWS Lambda, Node.js runtimes (Lambda handler setting: handler.handler).
// See benchmarks/wrappers/aws/README.md for the contract.
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
  if (err instanceof Error) {
    return { type: err.name || err.constructor.name, message: err.message, traceback: String(err.stack || err) };
  }
  return { type: typeof err, message: String(err), traceback: '' };
}

// The benchmark is loaded during the init phase when possible; a failure is reported by the first invocation.
let benchmark = null;
function load() {
  if (!benchmark) benchmark = require(path.join(__dirname, 'function', 'function'));
  return benchmark;
}
try { load(); } catch (_) { /* reported per invocation */ }

// (isCold, containerId) from the sandbox's marker file in its temp directory.
function container() {
  const marker = path.join(os.tmpdir(), 'cold_run');
  try {
    const id = fs.readFileSync(marker, 'utf8').trim();
    if (id) return [false, id];
  } catch (_) { /* first call in this sandbox */ }
  const id = crypto.randomBytes(4).toString('hex');
  const tmp = `${marker}.${id}`;
  fs.writeFileSync(tmp, id);
  fs.renameSync(tmp, marker);
  return [true, id];
}

// Function URL / API Gateway v2 events carry the SeBS payload as a JSON string in "body".
function unwrap(event) {
  if (event && typeof event === 'object' && !Array.isArray(event) && 'body' in event) {
    let body = event.body;
    if (typeof body === 'string') {
      if (event.isBase64Encoded) body = Buffer.from(body, 'base64').toString('utf8');
      body = body.trim() ? JSON.parse(body) : {};
    }
    event = body === undefined || body === null ? {} : body;
  }
  return event === undefined || event === null ? {} : event;
}

function respond(status, out) {
  return { statusCode: status, headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(out) };
}

exports.handler = async (event, context) => {
  const income = Date.now() / 1000;
  const requestId = context.awsRequestId;
  const [isCold, containerId] = container();
  const out = {
    begin: null, end: null, results_time: 0, is_cold: isCold, result: null, request_id: requestId,
    cold_start_var: process.env.ForceColdStart || process.env.cold_start || '',
    container_id: containerId, compute_time: 0,
  };
  let fn;
  try {
    event = unwrap(event);
    if (event && typeof event === 'object' && !Array.isArray(event)) {
      // A request id the caller chose wins: experiments name their own files after it (020/030).
      if (event['request-id'] === undefined) event['request-id'] = requestId;
      event['income-timestamp'] = income;
    }
    fn = load().handler; // outside begin/end
  } catch (err) {
    const now = timestamp(nowUs());
    out.begin = now;
    out.end = now;
    out.error = describe(err);
    return respond(500, out);
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
  return respond(status, out);
};
