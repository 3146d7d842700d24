'use strict';
// Object-storage shim for SeBS benchmarks on the local platform (Node.js standard library only).
// API (SeBS): new storage.storage(); upload(bucket, file, filepath) -> [uniqueName, promise];
// download(bucket, file, filepath) -> promise; downloadDirectory(bucket, prefix, path) (async);
// uploadStream(bucket, file) -> [writeStream, promise, uniqueName]; downloadStream(bucket, file) -> promise<Readable>;
// unique_name(file).
// Backends, chosen from the environment:
//   S3-compatible (MinIO, s3rver): MINIO_ADDRESS (host:port, optionally http:// or https://), MINIO_ACCESS_KEY,
//     MINIO_SECRET_KEY, MINIO_REGION (default us-east-1). Path-style URLs, Signature V4.
//   Directory store: SEBS_STORAGE_DIR; bucket = sub-directory, key = relative path.
const crypto = require('crypto');
const fs = require('fs');
const fsp = require('fs/promises');
const http = require('http');
const https = require('https');
const path = require('path');
const { PassThrough } = require('stream');
const { pipeline } = require('stream/promises');

const EMPTY_SHA256 = crypto.createHash('sha256').update('').digest('hex');

function rfc3986(s) {
  return encodeURIComponent(s).replace(/[!'()*]/g, (c) => '%' + c.charCodeAt(0).toString(16).toUpperCase());
}
function xmlText(s) {
  return s.replace(/&(lt|gt|quot|apos|amp|#\d+|#x[0-9a-fA-F]+);/g, (m, e) => {
    switch (e) {
      case 'lt': return '<';
      case 'gt': return '>';
      case 'quot': return '"';
      case 'apos': return "'";
      case 'amp': return '&';
      default: return String.fromCodePoint(e[1] === 'x' ? parseInt(e.slice(2), 16) : parseInt(e.slice(1), 10));
    }
  });
}
// Elements by local name, whatever namespace prefix or default namespace the server uses (s3rver's is non-standard).
function elements(xml, name) {
  const re = new RegExp(`<(?:[\\w.-]+:)?${name}(?:\\s[^>]*)?>([\\s\\S]*?)</(?:[\\w.-]+:)?${name}>`, 'g');
  const out = [];
  let m;
  while ((m = re.exec(xml)) !== null) out.push(m[1]);
  return out;
}
function readAll(stream) {
  return new Promise((resolve, reject) => {
    const chunks = [];
    stream.on('data', (c) => chunks.push(c));
    stream.on('end', () => resolve(Buffer.concat(chunks)));
    stream.on('error', reject);
  });
}

class S3Backend {
  constructor(address, accessKey, secretKey, region) {
    this.secure = address.startsWith('https://');
    this.host = address.replace(/^https?:\/\//, '').replace(/\/+$/, '');
    this.accessKey = accessKey;
    this.secretKey = secretKey;
    this.region = region;
    this.transport = this.secure ? https : http;
    this.agent = new this.transport.Agent({ keepAlive: true });
    // ListObjectsV2 page size; only set to test continuation (the server default is 1000).
    this.pageSize = process.env.SEBS_S3_LIST_PAGE_SIZE || '';
  }

  signingKey(date) {
    let key = Buffer.from('AWS4' + this.secretKey);
    for (const part of [date, this.region, 's3', 'aws4_request']) key = crypto.createHmac('sha256', key).update(part).digest();
    return key;
  }

  static objectPath(bucket, key) {
    let p = '/' + rfc3986(bucket);
    if (key !== undefined) p += '/' + key.split('/').map(rfc3986).join('/');
    return p;
  }

  // Signature V4 headers (and the canonical query string) for one request.
  sign(method, p, query, payloadHash, extra = {}, amzDate = null) {
    amzDate = amzDate || new Date().toISOString().replace(/[-:]/g, '').replace(/\.\d{3}/, '');
    const date = amzDate.slice(0, 8);
    const headers = { host: this.host, 'x-amz-content-sha256': payloadHash, 'x-amz-date': amzDate };
    for (const [k, v] of Object.entries(extra)) headers[k.toLowerCase()] = v;
    const names = Object.keys(headers).sort();
    const qs = Object.keys(query).sort().map((k) => `${rfc3986(k)}=${rfc3986(query[k])}`).join('&');
    const canonical = [method, p, qs, names.map((n) => `${n}:${String(headers[n]).trim().replace(/\s+/g, ' ')}\n`).join(''),
      names.join(';'), payloadHash].join('\n');
    const scope = `${date}/${this.region}/s3/aws4_request`;
    const toSign = ['AWS4-HMAC-SHA256', amzDate, scope, crypto.createHash('sha256').update(canonical).digest('hex')].join('\n');
    const signature = crypto.createHmac('sha256', this.signingKey(date)).update(toSign).digest('hex');
    headers.authorization = `AWS4-HMAC-SHA256 Credential=${this.accessKey}/${scope}, SignedHeaders=${names.join(';')}, Signature=${signature}`;
    return [headers, qs];
  }

  // Resolves with the response (status < 300; the caller consumes the body) or rejects with the S3 error.
  request(method, bucket, key, query = {}, body = null) {
    const p = S3Backend.objectPath(bucket, key);
    const payloadHash = body ? crypto.createHash('sha256').update(body).digest('hex') : EMPTY_SHA256;
    const extra = (method === 'PUT' || method === 'POST') ? { 'content-length': String(body ? body.length : 0) } : {};
    const [headers, qs] = this.sign(method, p, query, payloadHash, extra);
    const [hostname, port] = this.host.split(':');
    return new Promise((resolve, reject) => {
      const req = this.transport.request({
        method, hostname, port: port || (this.secure ? 443 : 80), path: p + (qs ? '?' + qs : ''), headers, agent: this.agent,
      }, (res) => {
        if (res.statusCode < 300) return resolve(res);
        readAll(res).then((data) => {
          const text = data.toString('utf-8');
          const code = elements(text, 'Code')[0] || '';
          const message = elements(text, 'Message')[0] || text.slice(0, 200);
          reject(new Error(`S3 ${method} ${p}: HTTP ${res.statusCode} ${code}: ${xmlText(message)}`));
        }, reject);
      });
      req.on('error', reject);
      req.end(body || undefined);
    });
  }

  async createBucket(bucket) {
    try {
      await readAll(await this.request('PUT', bucket));
    } catch (err) {
      if (!/BucketAlready(OwnedByYou|Exists)/.test(err.message)) throw err;
    }
  }
  async putBuffer(bucket, key, data) { await readAll(await this.request('PUT', bucket, key, {}, data)); }
  async putFile(bucket, key, filepath) { await this.putBuffer(bucket, key, await fsp.readFile(filepath)); }
  async getStream(bucket, key) { return this.request('GET', bucket, key); }
  async getFile(bucket, key, filepath) { await pipeline(await this.request('GET', bucket, key), fs.createWriteStream(filepath)); }
  async listKeys(bucket, prefix) {
    const keys = [];
    let token = null;
    for (;;) {
      const query = { 'list-type': '2', prefix };
      if (token) query['continuation-token'] = token;
      if (this.pageSize) query['max-keys'] = String(this.pageSize);
      const xml = (await readAll(await this.request('GET', bucket, undefined, query))).toString('utf-8');
      for (const c of elements(xml, 'Contents')) for (const k of elements(c, 'Key')) keys.push(xmlText(k));
      const truncated = (elements(xml, 'IsTruncated')[0] || '').trim() === 'true';
      token = elements(xml, 'NextContinuationToken')[0];
      if (!truncated || !token) return keys;
      token = xmlText(token);
    }
  }
}

class DirectoryBackend {
  constructor(root) { this.root = path.resolve(root); }

  bucketDir(bucket) {
    if (!bucket || bucket === '.' || bucket === '..' || /[\\/\0]/.test(bucket)) throw new Error(`invalid bucket name: ${JSON.stringify(bucket)}`);
    return path.join(this.root, bucket);
  }
  objectPath(bucket, key) {
    const base = this.bucketDir(bucket);
    const parts = String(key).replace(/\\/g, '/').split('/');
    if (!key || key.includes('\0') || key.startsWith('/') || parts.some((p) => p === '' || p === '.' || p === '..')) {
      throw new Error(`invalid key (empty, absolute or with '.'/'..' segments): ${JSON.stringify(key)}`);
    }
    const full = path.join(base, ...parts);
    const rel = path.relative(base, full);
    if (rel.startsWith('..') || path.isAbsolute(rel)) throw new Error(`key escapes the bucket: ${JSON.stringify(key)}`);
    return full;
  }
  async existing(bucket, key) {
    const p = this.objectPath(bucket, key);
    const st = await fsp.stat(p).catch(() => null);
    if (!st || !st.isFile()) throw new Error(`no such object: ${bucket}/${key}`);
    return p;
  }
  async target(bucket, key) {
    const p = this.objectPath(bucket, key);
    await fsp.mkdir(path.dirname(p), { recursive: true });
    return p;
  }
  async createBucket(bucket) { await fsp.mkdir(this.bucketDir(bucket), { recursive: true }); }
  async putBuffer(bucket, key, data) {
    const p = await this.target(bucket, key);
    const tmp = `${p}.${crypto.randomBytes(4).toString('hex')}.tmp`;
    await fsp.writeFile(tmp, data);
    await fsp.rename(tmp, p);
  }
  async putFile(bucket, key, filepath) {
    const p = await this.target(bucket, key);
    const tmp = `${p}.${crypto.randomBytes(4).toString('hex')}.tmp`;
    await fsp.copyFile(filepath, tmp);
    await fsp.rename(tmp, p);
  }
  async getStream(bucket, key) { return fs.createReadStream(await this.existing(bucket, key)); }
  async getFile(bucket, key, filepath) { await fsp.copyFile(await this.existing(bucket, key), filepath); }
  async listKeys(bucket, prefix) {
    const base = this.bucketDir(bucket);
    const keys = [];
    const walk = async (dir) => {
      const entries = await fsp.readdir(dir, { withFileTypes: true }).catch(() => []);
      for (const e of entries) {
        const full = path.join(dir, e.name);
        if (e.isDirectory()) await walk(full);
        else if (e.isFile()) {
          const key = path.relative(base, full).split(path.sep).join('/');
          if (key.startsWith(prefix)) keys.push(key);
        }
      }
    };
    await walk(base);
    return keys.sort();
  }
}

class storage {
  constructor() {
    const env = process.env;
    if (env.MINIO_ADDRESS && env.MINIO_ACCESS_KEY !== undefined && env.MINIO_SECRET_KEY !== undefined) {
      this.backend = new S3Backend(env.MINIO_ADDRESS, env.MINIO_ACCESS_KEY, env.MINIO_SECRET_KEY, env.MINIO_REGION || 'us-east-1');
    } else if (env.SEBS_STORAGE_DIR) {
      this.backend = new DirectoryBackend(env.SEBS_STORAGE_DIR);
    } else {
      throw new Error('no object storage configured: set MINIO_ADDRESS/MINIO_ACCESS_KEY/MINIO_SECRET_KEY or SEBS_STORAGE_DIR');
    }
  }

  static get_instance() {
    if (!storage.instance) storage.instance = new storage();
    return storage.instance;
  }

  static unique_name(file) {
    const ext = path.extname(file);
    const stem = file.slice(0, file.length - ext.length);
    return `${stem}.${crypto.randomUUID().split('-')[0]}${ext}`;
  }
  unique_name(file) { return storage.unique_name(file); }

  // Not part of SeBS's function API; for tests and set-up code.
  createBucket(bucket) { return this.backend.createBucket(bucket); }

  upload(bucket, file, filepath) {
    const name = storage.unique_name(file);
    return [name, this.backend.putFile(bucket, name, filepath)];
  }

  async download(bucket, file, filepath) {
    await fsp.mkdir(path.dirname(path.resolve(filepath)), { recursive: true });
    await this.backend.getFile(bucket, file, filepath);
  }

  async downloadDirectory(bucket, prefix, dir) {
    const keys = await this.backend.listKeys(bucket, prefix);
    for (const key of keys) await this.download(bucket, key, path.join(dir, ...key.split('/')));
  }

  uploadStream(bucket, file) {
    const name = storage.unique_name(file);
    const stream = new PassThrough();
    const promise = readAll(stream).then((data) => this.backend.putBuffer(bucket, name, data));
    return [stream, promise, name];
  }

  downloadStream(bucket, file) {
    return this.backend.getStream(bucket, file);
  }
}
storage.instance = null;

module.exports = { storage, S3Backend };
