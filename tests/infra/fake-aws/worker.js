// Sandbox worker of the fake AWS Lambda, Node.js runtimes. Same protocol as worker.py:
// commands on stdin (one JSON a line), messages on the fd named by _FAKE_AWS_RESULT_FD,
// the function's log on stdout/stderr with a marker line after each invocation.
'use strict';
const fs = require('fs');
const path = require('path');
const readline = require('readline');

const MARKER = '\x1eFAKEAWS-END';
const resultFd = Number(process.env._FAKE_AWS_RESULT_FD);
delete process.env._FAKE_AWS_RESULT_FD;

function send(msg) {
  fs.writeSync(resultFd, JSON.stringify(msg) + '\n');
}

function errorOf(err, type) {
  const e = err instanceof Error ? err : new Error(String(err));
  return {
    errorType: type || e.name || 'Error',
    errorMessage: e.message,
    trace: String(e.stack || '').split('\n'),
  };
}

process.on('unhandledRejection', (reason) => {
  process.stderr.write(`ERROR\tUnhandled Promise Rejection\t${reason && reason.stack ? reason.stack : reason}\n`);
});
process.on('uncaughtException', (err) => {
  process.stderr.write(`ERROR\tUncaught Exception\t${err && err.stack ? err.stack : err}\n`);
});

const setting = process.env._HANDLER || 'handler.handler';
const dot = setting.lastIndexOf('.');
const moduleName = setting.slice(0, dot);
const funcName = setting.slice(dot + 1);
const taskRoot = process.env.LAMBDA_TASK_ROOT || process.cwd();

let handler = null;
try {
  let file = null;
  for (const ext of ['.js', '.cjs']) {
    const candidate = path.join(taskRoot, moduleName + ext);
    if (fs.existsSync(candidate)) { file = candidate; break; }
  }
  if (!file) {
    const e = new Error(`Cannot find module '${moduleName}'`);
    send({ type: 'ready', error: errorOf(e, 'Runtime.ImportModuleError') });
  } else {
    const mod = require(file);
    handler = mod[funcName];
    if (typeof handler !== 'function') {
      send({ type: 'ready', error: errorOf(new Error(`${setting} is undefined or not exported`), 'Runtime.HandlerNotFound') });
      handler = null;
    } else {
      send({ type: 'ready' });
    }
  }
} catch (err) {
  send({ type: 'ready', error: errorOf(err, 'Runtime.ImportModuleError') });
}

function invoke(cmd) {
  const ctx = cmd.context || {};
  const context = {
    awsRequestId: cmd.request_id,
    functionName: ctx.function_name,
    functionVersion: '$LATEST',
    memoryLimitInMB: String(ctx.memory_limit_in_mb),
    invokedFunctionArn: ctx.invoked_function_arn,
    logGroupName: ctx.log_group_name,
    logStreamName: ctx.log_stream_name,
    callbackWaitsForEmptyEventLoop: true,
    getRemainingTimeInMillis: () => Math.max(0, Math.floor(cmd.deadline_ms - Date.now())),
  };
  return new Promise((resolve, reject) => {
    let settled = false;
    const callback = (err, value) => {
      if (settled) return;
      settled = true;
      if (err) reject(err); else resolve(value);
    };
    try {
      const r = handler(cmd.event, context, callback);
      if (r && typeof r.then === 'function') {
        r.then((v) => callback(null, v), (e) => callback(e || new Error('rejected')));
      } else if (handler.length < 3) {
        callback(null, r);
      }
    } catch (err) {
      callback(err);
    }
  });
}

let queue = Promise.resolve();
const rl = readline.createInterface({ input: process.stdin });
rl.on('line', (line) => {
  if (!line.trim()) return;
  const cmd = JSON.parse(line);
  queue = queue.then(async () => {
    const msg = { type: 'result' };
    try {
      const value = await invoke(cmd);
      try {
        msg.value = value === undefined ? null : JSON.parse(JSON.stringify(value));
        msg.ok = true;
      } catch (err) {
        msg.ok = false;
        msg.error = { errorType: 'Runtime.MarshalError', errorMessage: `Unable to stringify response body: ${err.message}`, trace: [] };
      }
    } catch (err) {
      msg.ok = false;
      msg.error = errorOf(err);
      process.stderr.write(`ERROR\tInvoke Error \t${JSON.stringify(msg.error)}\n`);
    }
    process.stdout.write(`${MARKER} ${cmd.request_id}\n`);
    process.stderr.write(`${MARKER} ${cmd.request_id}\n`);
    msg.maxrss_kb = process.resourceUsage().maxRSS;
    send(msg);
  });
});
rl.on('close', () => process.exit(0));
