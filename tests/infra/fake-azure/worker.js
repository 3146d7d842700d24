// Instance worker of the fake Azure Functions host, Node.js (v3 programming model: handler/function.json with
// scriptFile, module.exports = async function (context, req)), the model SeBS's Azure Node wrapper uses.
// Protocol as worker.py: fd _FAKE_AZURE_RESULT_FD gets {"type":"ready"} then one {"type":"result",...} per stdin line.
'use strict';
const fs = require('fs'), path = require('path'), readline = require('readline');

const out = parseInt(process.env._FAKE_AZURE_RESULT_FD, 10);
delete process.env._FAKE_AZURE_RESULT_FD;
delete process.env._FAKE_AZURE_PYSHIM;
const functionName = process.env._FAKE_AZURE_FUNCTION || 'handler';
delete process.env._FAKE_AZURE_FUNCTION;
const root = process.cwd();
const send = (msg) => fs.writeSync(out, JSON.stringify(msg) + '\n');
console.log = console.info = (...a) => process.stderr.write(a.join(' ') + '\n');

let entry = null;
try {
  const spec = JSON.parse(fs.readFileSync(path.join(root, functionName, 'function.json'), 'utf8'));
  const mod = require(path.join(root, functionName, spec.scriptFile || 'index.js'));
  entry = spec.entryPoint ? mod[spec.entryPoint] : (typeof mod === 'function' ? mod : mod.run || mod.default);
  if (typeof entry !== 'function') throw new Error('the script exports no function');
  send({ type: 'ready' });
} catch (e) {
  send({ type: 'ready', error: `${e.name}: ${e.message}`, traceback: e.stack });
}

const rl = readline.createInterface({ input: process.stdin });
rl.on('line', async (line) => {
  if (!line.trim()) return;
  const cmd = JSON.parse(line);
  const raw = Buffer.from(cmd.body_b64 || '', 'base64');
  const headers = Object.fromEntries(Object.entries(cmd.headers || {}).map(([k, v]) => [k.toLowerCase(), v]));
  let body = raw.toString('utf8');
  if ((headers['content-type'] || '').includes('json')) { try { body = JSON.parse(body); } catch (e) { /* left as text */ } }
  const req = { method: cmd.method, url: cmd.url, headers, query: cmd.params || {}, params: {}, body, rawBody: raw.toString('utf8') };
  const context = {
    invocationId: cmd.invocation_id, res: undefined, bindings: { req }, log: (...a) => process.stderr.write(a.join(' ') + '\n'),
    executionContext: { invocationId: cmd.invocation_id, functionName, functionDirectory: path.join(root, functionName) },
  };
  const t0 = process.hrtime.bigint();
  const msg = { type: 'result' };
  try {
    let res = await entry(context, req);
    res = res || context.res || {};
    let b = res.body === undefined ? '' : res.body;
    const h = res.headers || {};
    if (typeof b === 'object' && !Buffer.isBuffer(b)) { b = JSON.stringify(b); if (!Object.keys(h).some(k => k.toLowerCase() === 'content-type')) h['Content-Type'] = 'application/json'; }
    msg.status = res.status || res.statusCode || 200;
    msg.headers = h;
    msg.body_b64 = Buffer.from(String(b)).toString('base64');
  } catch (e) {
    msg.error = `${e.name}: ${e.message}`;
    process.stderr.write(`Executed 'Functions.${functionName}' (Failed, Id=${cmd.invocation_id})\n${e.stack}\n`);
  }
  msg.function_ms = Number(process.hrtime.bigint() - t0) / 1e6;
  send(msg);
});
