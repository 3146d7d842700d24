'use strict';
// SeBS function wrapper for Azure Functions, Node.js (v3 programming model: handler/function.json, scriptFile
// handler.js, module.exports = async function (context, req), an anonymous HTTP trigger).
// See benchmarks/wrappers/azure/README.md for the contract.
const crypto = require('crypto');
const fs = require('fs');
const os = require('os');
const path = require('path');
const { performance } = require('perf_hooks');

const ORIGIN_US = BigInt(Math.round(performance.timeOrigin * 1000));
const nowUs = () => ORIGIN_US + BigInt(Math.round(performance.now() * 1000));
const timestamp = (us) => `${us / 1000000n}.${(us % 1000000n).toString().padStart(6, '0')}`;

function describe(err) {
  if (err instanceof Error) return { type: err.name || err.constructor.name, message: err.message, traceback: String(err.stack || err) };
  return { type: typeof err, message: String(err), traceback: '' };
}

let benchmark = null;
function load() {
  if (!benchmark) benchmark = require(path.join(__dirname, 'function', 'function'));
  return benchmark;
}
try { load(); } catch (_) { /* reported per invocation */ }

let coldWorker = true;

// (isCold, containerId) from the marker cold_run in the instance's temp directory (/tmp on Azure).
function container() {
  const marker = path.join(os.tmpdir(), 'cold_run');
  try {
    const id = fs.readFileSync(marker, 'utf8').trim();
    if (id) return [false, id];
  } catch (_) { /* first call in this instance */ }
  const id = crypto.randomBytes(4).toString('hex');
  const tmp = `${marker}.${id}`;
  fs.writeFileSync(tmp, id);
  fs.renameSync(tmp, marker);
  return [true, id];
}

function respond(status, out) {
  return { status, headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(out) };
}

module.exports = async function (context, req) {
  const income = Date.now() / 1000;
  const requestId = context.invocationId || (context.executionContext || {}).invocationId;
  const [isCold, containerId] = container();
  const isColdWorker = coldWorker;
  coldWorker = false;
  const out = {
    begin: null, end: null, results_time: 0, is_cold: isCold, is_cold_worker: isColdWorker, result: null, request_id: requestId,
    cold_start_var: process.env.ForceColdStart || '', container_id: containerId,
    environ_container_id: process.env.CONTAINER_NAME || '', compute_time: 0,
  };
  let fn;
  let event;
  try {
    event = req.body;
    if (typeof event === 'string') event = event.trim() ? JSON.parse(event) : {};
    if (event === undefined || event === null) event = {};
    if (typeof event === 'object' && !Array.isArray(event)) {
      if (event['request-id'] === undefined) event['request-id'] = requestId;
      event['income-timestamp'] = income;
    }
    fn = load().handler;
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
