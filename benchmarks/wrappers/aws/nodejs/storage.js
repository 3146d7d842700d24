'use strict';
// Object-storage shim for SeBS benchmarks on AWS Lambda (Node.js), on @aws-sdk/client-s3 (part of Lambda's
// Node.js 18+ runtimes; not a package dependency).
// API (SeBS): upload(bucket, file, filepath) -> [uniqueName, promise]; download(bucket, file, filepath) -> promise;
// downloadDirectory(bucket, prefix, path) (async); uploadStream(bucket, file) -> [writeStream, promise, uniqueName];
// downloadStream(bucket, file) -> promise<Readable>; unique_name(file). Not SeBS API: createBucket(bucket).
// Endpoint override: AWS_ENDPOINT_URL_S3 or AWS_ENDPOINT_URL (path-style addressing when set).
const crypto = require('crypto');
const fs = require('fs');
const fsp = require('fs/promises');
const path = require('path');
const { PassThrough } = require('stream');
const { pipeline } = require('stream/promises');
const {
  S3Client, PutObjectCommand, GetObjectCommand, ListObjectsV2Command, CreateBucketCommand,
} = require('@aws-sdk/client-s3');

function endpoint(...names) {
  for (const n of names) {
    const v = process.env[n];
    if (v) return v.includes('://') ? v : `http://${v}`;
  }
  return null;
}

async function readAll(stream) {
  const chunks = [];
  for await (const c of stream) chunks.push(Buffer.isBuffer(c) ? c : Buffer.from(c));
  return Buffer.concat(chunks);
}

class storage {
  constructor() {
    const ep = endpoint('AWS_ENDPOINT_URL_S3', 'AWS_ENDPOINT_URL');
    const opts = {};
    if (ep) {
      opts.endpoint = ep;
      opts.forcePathStyle = true;
      // S3-compatible stores may not know the newer default integrity checksums.
      opts.requestChecksumCalculation = 'WHEN_REQUIRED';
      opts.responseChecksumValidation = 'WHEN_REQUIRED';
    }
    this.client = new S3Client(opts);
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

  async createBucket(bucket) { await this.client.send(new CreateBucketCommand({ Bucket: bucket })); }

  async putBuffer(bucket, key, data) {
    await this.client.send(new PutObjectCommand({ Bucket: bucket, Key: key, Body: data, ContentLength: data.length }));
  }

  upload(bucket, file, filepath) {
    const name = storage.unique_name(file);
    return [name, fsp.readFile(filepath).then((data) => this.putBuffer(bucket, name, data))];
  }

  async download(bucket, file, filepath) {
    await fsp.mkdir(path.dirname(path.resolve(filepath)), { recursive: true });
    const res = await this.client.send(new GetObjectCommand({ Bucket: bucket, Key: file }));
    await pipeline(res.Body, fs.createWriteStream(filepath));
  }

  async listKeys(bucket, prefix) {
    const keys = [];
    let token;
    do {
      const res = await this.client.send(new ListObjectsV2Command({ Bucket: bucket, Prefix: prefix, ContinuationToken: token }));
      for (const o of res.Contents || []) keys.push(o.Key);
      token = res.IsTruncated ? res.NextContinuationToken : undefined;
    } while (token);
    return keys;
  }

  async downloadDirectory(bucket, prefix, dir) {
    for (const key of await this.listKeys(bucket, prefix)) {
      await this.download(bucket, key, path.join(dir, ...key.split('/')));
    }
  }

  uploadStream(bucket, file) {
    const name = storage.unique_name(file);
    const stream = new PassThrough();
    const promise = readAll(stream).then((data) => this.putBuffer(bucket, name, data));
    return [stream, promise, name];
  }

  async downloadStream(bucket, file) {
    const res = await this.client.send(new GetObjectCommand({ Bucket: bucket, Key: file }));
    return res.Body;
  }
}
storage.instance = null;

module.exports = { storage };
