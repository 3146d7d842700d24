'use strict';
// Object-storage shim for SeBS benchmarks on Google Cloud Run functions (Node.js): the Cloud Storage JSON API with
// Node's fetch and a token from the metadata server (no @google-cloud/storage dependency).
// API (SeBS): upload(bucket, file, filepath) -> [uniqueName, promise]; download(bucket, file, filepath) -> promise;
// downloadDirectory(bucket, prefix, path) (async); uploadStream(bucket, file) -> [writeStream, promise, uniqueName];
// downloadStream(bucket, file) -> promise<Readable>; unique_name(file). Not SeBS API: createBucket(bucket).
// Endpoint: https://storage.googleapis.com, or $STORAGE_EMULATOR_HOST.
const crypto = require('crypto');
const fsp = require('fs/promises');
const path = require('path');
const { PassThrough, Readable } = require('stream');
const auth = require('./gcp_auth');

const enc = encodeURIComponent;

async function readAll(stream) {
  const chunks = [];
  for await (const c of stream) chunks.push(Buffer.isBuffer(c) ? c : Buffer.from(c));
  return Buffer.concat(chunks);
}

class storage {
  constructor() { this.base = auth.endpoint('STORAGE_EMULATOR_HOST', 'https://storage.googleapis.com'); }

  static get_instance() {
    if (!storage.instance) storage.instance = new storage();
    return storage.instance;
  }

  static unique_name(file) {
    const ext = path.extname(file);
    return `${file.slice(0, file.length - ext.length)}.${crypto.randomBytes(4).toString('hex')}${ext}`;
  }

  unique_name(file) { return storage.unique_name(file); }

  async createBucket(bucket) {
    await auth.call('POST', `${this.base}/storage/v1/b?project=${enc(await auth.project())}`, { name: bucket });
  }

  async putBuffer(bucket, key, data) {
    await auth.call('POST', `${this.base}/upload/storage/v1/b/${enc(bucket)}/o?uploadType=media&name=${enc(key)}`, data,
      { 'Content-Type': 'application/octet-stream' }, true);
  }

  upload(bucket, file, filepath) {
    const name = storage.unique_name(file);
    return [name, fsp.readFile(filepath).then((data) => this.putBuffer(bucket, name, data))];
  }

  async getBuffer(bucket, file) {
    return auth.call('GET', `${this.base}/storage/v1/b/${enc(bucket)}/o/${enc(file)}?alt=media`, null, {}, true);
  }

  async download(bucket, file, filepath) {
    await fsp.mkdir(path.dirname(path.resolve(filepath)), { recursive: true });
    await fsp.writeFile(filepath, await this.getBuffer(bucket, file));
  }

  async listKeys(bucket, prefix) {
    const keys = [];
    let token;
    do {
      const page = await auth.call('GET', `${this.base}/storage/v1/b/${enc(bucket)}/o?prefix=${enc(prefix)}` + (token ? `&pageToken=${enc(token)}` : ''));
      for (const o of page.items || []) keys.push(o.name);
      token = page.nextPageToken;
    } while (token);
    return keys;
  }

  async downloadDirectory(bucket, prefix, dir) {
    for (const key of await this.listKeys(bucket, prefix)) await this.download(bucket, key, path.join(dir, ...key.split('/')));
  }

  uploadStream(bucket, file) {
    const name = storage.unique_name(file);
    const stream = new PassThrough();
    const promise = readAll(stream).then((data) => this.putBuffer(bucket, name, data));
    return [stream, promise, name];
  }

  async downloadStream(bucket, file) { return Readable.from([await this.getBuffer(bucket, file)]); }
}
storage.instance = null;

module.exports = { storage };
