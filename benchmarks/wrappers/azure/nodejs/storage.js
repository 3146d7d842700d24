'use strict';
// Object-storage shim for SeBS benchmarks on Azure Functions, Node.js: Blob containers as buckets through
// @azure/storage-blob with STORAGE_CONNECTION_STRING (the package is added to the function's package.json at build).
// API (SeBS): storage.get_instance(), unique_name(file), upload(container, file, filepath) -> [name, promise],
// download(container, file, filepath), downloadDirectory(container, prefix, dir), uploadStream(container, file)
// -> [stream, promise, name], downloadStream(container, file) -> Readable. Not SeBS API: createBucket, putBuffer.
const crypto = require('crypto');
const fs = require('fs');
const fsp = require('fs/promises');
const path = require('path');
const { PassThrough } = require('stream');
const { BlobServiceClient } = require('@azure/storage-blob');

async function readAll(stream) {
  const chunks = [];
  for await (const c of stream) chunks.push(Buffer.isBuffer(c) ? c : Buffer.from(c));
  return Buffer.concat(chunks);
}

class storage {
  constructor(connectionString) {
    this.client = BlobServiceClient.fromConnectionString(connectionString || process.env.STORAGE_CONNECTION_STRING);
  }

  static get_instance(connectionString) {
    if (!storage.instance) storage.instance = new storage(connectionString);
    return storage.instance;
  }

  static unique_name(file) {
    const ext = path.extname(file);
    const stem = file.slice(0, file.length - ext.length);
    return `${stem}.${crypto.randomUUID().split('-')[0]}${ext}`;
  }
  unique_name(file) { return storage.unique_name(file); }

  blob(container, key) { return this.client.getContainerClient(container).getBlockBlobClient(key); }

  async createBucket(container) { await this.client.getContainerClient(container).createIfNotExists(); }

  async putBuffer(container, key, data) { await this.blob(container, key).uploadData(data); }

  upload(container, file, filepath) {
    const name = storage.unique_name(file);
    return [name, fsp.readFile(filepath).then((data) => this.putBuffer(container, name, data))];
  }

  async download(container, file, filepath) {
    await fsp.mkdir(path.dirname(path.resolve(filepath)), { recursive: true });
    await this.blob(container, file).downloadToFile(filepath);
  }

  async downloadDirectory(container, prefix, dir) {
    for await (const item of this.client.getContainerClient(container).listBlobsFlat({ prefix })) {
      await this.download(container, item.name, path.join(dir, ...item.name.split('/')));
    }
  }

  uploadStream(container, file) {
    const name = storage.unique_name(file);
    const stream = new PassThrough();
    const promise = readAll(stream).then((data) => this.putBuffer(container, name, data));
    return [stream, promise, name];
  }

  async downloadStream(container, file) {
    const res = await this.blob(container, file).download();
    return res.readableStreamBody;
  }
}
storage.instance = null;

module.exports = { storage };
