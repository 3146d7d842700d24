// Instance worker of the fake Cloud Run functions, Node.js runtimes: the Functions Framework's HTTP contract.
// Loads the package's main module (package.json "main", else index.js) and its FUNCTION_TARGET export once, then
// serves one request at a time with an Express-like req (method, path, url, headers lower-cased, get(), query, body
// parsed as JSON for application/json, rawBody) and res (status(), set()/setHeader(), json(), send(), end()). The
// request is over when res ends; a throw or a rejected promise before that is a 500, as in the Functions Framework.
// Protocol: see worker.py.
'use strict';
const fs = require('fs');
const path = require('path');
const readline = require('readline');

const out = fs.createWriteStream(null, { fd: Number(process.env._FAKE_GCP_RESULT_FD) });
delete process.env._FAKE_GCP_RESULT_FD;
const send = (msg) => out.write(JSON.stringify(msg) + '\n');

let fn = null;
try {
  let main = 'index.js';
  const pj = path.join(process.cwd(), 'package.json');
  if (fs.existsSync(pj)) main = JSON.parse(fs.readFileSync(pj, 'utf8')).main || 'index.js';
  const mod = require(path.join(process.cwd(), main));
  fn = mod[process.env.FUNCTION_TARGET];
  if (typeof fn !== 'function') throw new Error(`Function '${process.env.FUNCTION_TARGET}' is not defined in the provided module.`);
  send({ type: 'ready' });
} catch (err) {
  console.error(err && err.stack || String(err));
  send({ type: 'ready', error: String(err && err.message || err) });
}

function handle(msg) {
  return new Promise((resolve) => {
    const raw = Buffer.from(msg.body, 'base64');
    const headers = {};
    for (const [k, v] of Object.entries(msg.headers)) headers[k.toLowerCase()] = v;
    const type = (headers['content-type'] || '').split(';')[0].trim().toLowerCase();
    let body = raw.length ? raw : {};
    if (type === 'application/json' && raw.length) {
      try { body = JSON.parse(raw.toString('utf8')); } catch (e) {
        return resolve({ status: 400, headers: { 'Content-Type': 'text/html' }, body: Buffer.from('Bad Request').toString('base64') });
      }
    } else if (type.startsWith('text/')) body = raw.toString('utf8');
    const req = {
      method: msg.method, path: msg.path, url: msg.path + (msg.query ? '?' + msg.query : ''), headers, body, rawBody: raw,
      query: Object.fromEntries(new URLSearchParams(msg.query || '')), get: (name) => headers[String(name).toLowerCase()],
      header: (name) => headers[String(name).toLowerCase()],
    };
    let done = false;
    const resHeaders = {};
    const finish = (status, data) => {
      if (done) return;
      done = true;
      resolve({ status, headers: resHeaders, body: Buffer.from(data || '').toString('base64') });
    };
    const res = {
      statusCode: 200,
      status(code) { this.statusCode = code; return this; },
      set(k, v) { resHeaders[k] = String(v); return this; },
      setHeader(k, v) { resHeaders[k] = String(v); return this; },
      type(t) { resHeaders['Content-Type'] = t; return this; },
      json(obj) { if (!Object.keys(resHeaders).some((k) => k.toLowerCase() === 'content-type')) resHeaders['Content-Type'] = 'application/json'; finish(this.statusCode, JSON.stringify(obj)); return this; },
      send(data) {
        if (data !== null && typeof data === 'object' && !Buffer.isBuffer(data)) return this.json(data);
        if (!Object.keys(resHeaders).some((k) => k.toLowerCase() === 'content-type')) resHeaders['Content-Type'] = 'text/html; charset=utf-8';
        finish(this.statusCode, data === undefined ? '' : data); return this;
      },
      sendStatus(code) { this.statusCode = code; finish(code, String(code)); return this; },
      end(data) { finish(this.statusCode, data); return this; },
    };
    const fail = (err) => {
      console.error(err && err.stack || String(err));
      finish(500, 'Internal Server Error');
    };
    try {
      const r = fn(req, res);
      if (r && typeof r.then === 'function') r.catch(fail);
    } catch (err) { fail(err); }
  });
}

const rl = readline.createInterface({ input: process.stdin });
let chain = Promise.resolve();
rl.on('line', (line) => {
  if (!line.trim()) return;
  const msg = JSON.parse(line);
  chain = chain.then(async () => {
    const reply = fn ? await handle(msg) : { status: 500, headers: {}, body: Buffer.from('Internal Server Error').toString('base64') };
    send(reply);
  });
});
