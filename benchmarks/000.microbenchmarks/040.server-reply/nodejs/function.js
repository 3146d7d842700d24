const net = require('net');

const DEFAULT_TIMEOUT_S = 20;

// Resolves with the first chunk the server sends (at most 1024 bytes are kept, like Python's recv(1024)).
function firstReply(host, port, timeoutMs) {
  return new Promise((resolve, reject) => {
    const socket = net.connect({ host, port });
    let done = false;
    const finish = (err, value) => {
      if (done) return;
      done = true;
      socket.destroy();
      if (err) reject(err); else resolve(value);
    };
    socket.setTimeout(timeoutMs, () => finish(new Error(`no reply from ${host}:${port} within ${timeoutMs / 1000} s`)));
    socket.on('data', (chunk) => finish(null, chunk.subarray(0, 1024)));
    socket.on('end', () => finish(null, Buffer.alloc(0)));
    socket.on('error', (err) => finish(err));
  });
}

exports.handler = async function (event) {
  const address = event['ip-address'];
  const port = event.port;
  if (!address || port === undefined || port === null) {
    throw new Error("040.server-reply needs 'ip-address' and 'port' in the payload " +
      "(the eviction-model experiment sends them; the size inputs only carry 'sleep')");
  }
  const timeout = Number(event.timeout ?? DEFAULT_TIMEOUT_S) * 1000;
  const data = await firstReply(address, Number(port), timeout);
  return { result: data.toString('utf-8') };
};
