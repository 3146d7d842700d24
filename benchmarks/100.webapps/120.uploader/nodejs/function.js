const fs = require('fs');
const http = require('http');
const https = require('https');
const os = require('os');
const path = require('path');
const { pipeline } = require('stream/promises');
const storage = require('./storage');

const USER_AGENT = 'SeBS/1.2 (https://github.com/spcl/serverless-benchmarks) Sebs-PowerShell';
const MAX_REDIRECTS = 5;

const micros = (start, end) => Number(end - start) / 1000;

// GET url into file, following redirects; rejects on HTTP >= 400.
function fetchToFile(url, file, redirects = 0) {
  return new Promise((resolve, reject) => {
    const client = url.startsWith('https:') ? https : http;
    const req = client.get(url, { headers: { 'User-Agent': USER_AGENT }, timeout: 50000 }, (res) => {
      if (res.statusCode >= 300 && res.statusCode < 400 && res.headers.location) {
        res.resume();
        if (redirects >= MAX_REDIRECTS) return reject(new Error(`too many redirects for ${url}`));
        const next = new URL(res.headers.location, url).toString();
        return fetchToFile(next, file, redirects + 1).then(resolve, reject);
      }
      if (res.statusCode >= 400) {
        res.resume();
        return reject(new Error(`GET ${url} answered HTTP ${res.statusCode}`));
      }
      pipeline(res, fs.createWriteStream(file)).then(resolve, reject);
    });
    req.on('timeout', () => req.destroy(new Error(`GET ${url} timed out`)));
    req.on('error', reject);
  });
}

exports.handler = async function (event) {
  const url = event.object.url;
  const bucket = event.bucket.bucket;
  const outputPrefix = event.bucket.output;
  const name = path.basename(new URL(url).pathname) || 'download';
  const workdir = fs.mkdtempSync(path.join(os.tmpdir(), 'uploader-'));
  try {
    const file = path.join(workdir, name);
    const t0 = process.hrtime.bigint();
    await fetchToFile(url, file);
    const t1 = process.hrtime.bigint();
    const size = fs.statSync(file).size;

    const client = new storage.storage();
    const t2 = process.hrtime.bigint();
    const [key, uploaded] = client.upload(bucket, `${outputPrefix}/${name}`, file);
    await uploaded;
    const t3 = process.hrtime.bigint();
    return {
      result: { bucket, url, key },
      measurement: {
        download_time: micros(t0, t1),
        download_size: size,
        upload_time: micros(t2, t3),
        upload_size: size,
        compute_time: 0,
      },
    };
  } finally {
    fs.rmSync(workdir, { recursive: true, force: true });
  }
};
