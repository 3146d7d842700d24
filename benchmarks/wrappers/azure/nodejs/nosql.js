'use strict';
// NoSQL shim for SeBS benchmarks on Azure Functions, Node.js: Cosmos DB for NoSQL over its REST API with master-key
// authorization (Node's fetch and crypto; no SDK). Same environment, item shape and API as python/nosql.py, async.
const crypto = require('crypto');

const API_VERSION = '2018-12-31';
const SYSTEM = new Set(['_rid', '_self', '_etag', '_attachments', '_ts']);

class nosql {
  constructor(database, url, credential) {
    this.url = (url || process.env.NOSQL_STORAGE_URL).replace(/\/+$/, '') + '/';
    this.key = Buffer.from(credential || process.env.NOSQL_STORAGE_CREDS, 'base64');
    this.database = database || process.env.NOSQL_STORAGE_DATABASE;
  }

  static get_instance(database, url, credential) {
    if (!nosql.instance) nosql.instance = new nosql(database, url, credential);
    return nosql.instance;
  }

  container(table) { return process.env['NOSQL_STORAGE_TABLE_' + table] || table; }
  docs(table) { return ['dbs', this.database, 'colls', this.container(table), 'docs']; }

  async request(method, parts, partition, body, headers = {}) {
    const odd = parts.length % 2 === 1;
    const type = odd ? parts[parts.length - 1] : parts[parts.length - 2];
    const link = odd ? parts.slice(0, -1).join('/') : parts.join('/');
    const date = new Date().toUTCString();
    const text = `${method.toLowerCase()}\n${type.toLowerCase()}\n${link}\n${date.toLowerCase()}\n\n`;
    const sig = crypto.createHmac('sha256', this.key).update(text).digest('base64');
    const res = await fetch(this.url + parts.map(encodeURIComponent).join('/'), {
      method,
      headers: {
        'x-ms-date': date, 'x-ms-version': API_VERSION, authorization: encodeURIComponent(`type=master&ver=1.0&sig=${sig}`),
        'x-ms-documentdb-partitionkey': JSON.stringify([partition]), 'Content-Type': 'application/json', ...headers,
      },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    if (res.status === 404 && method === 'GET') return null;
    const raw = await res.text();
    if (!res.ok) throw new Error(`Cosmos DB ${method} ${parts.join('/')} failed: HTTP ${res.status} ${raw.slice(0, 300)}`);
    return raw ? JSON.parse(raw) : null;
  }

  static clean(doc, secondaryName) {
    if (!doc) return null;
    const out = {};
    for (const [k, v] of Object.entries(doc)) if (!SYSTEM.has(k)) out[k] = v;
    if (secondaryName && out[secondaryName] === undefined) out[secondaryName] = out.id;
    delete out.id;
    return out;
  }

  async insert(table, primaryKey, secondaryKey, data) {
    const doc = { ...data, [primaryKey[0]]: primaryKey[1], [secondaryKey[0]]: secondaryKey[1], id: String(secondaryKey[1]) };
    await this.request('POST', this.docs(table), primaryKey[1], doc, { 'x-ms-documentdb-is-upsert': 'True' });
  }

  async get(table, primaryKey, secondaryKey) {
    return nosql.clean(await this.request('GET', [...this.docs(table), String(secondaryKey[1])], primaryKey[1]), secondaryKey[0]);
  }

  async update(table, primaryKey, secondaryKey, updates) {
    const current = (await this.request('GET', [...this.docs(table), String(secondaryKey[1])], primaryKey[1]))
      || { [primaryKey[0]]: primaryKey[1], [secondaryKey[0]]: secondaryKey[1], id: String(secondaryKey[1]) };
    for (const k of SYSTEM) delete current[k];
    await this.request('POST', this.docs(table), primaryKey[1], { ...current, ...updates }, { 'x-ms-documentdb-is-upsert': 'True' });
  }

  async query(table, primaryKey, secondaryKeyName) {
    const res = await this.request('POST', this.docs(table), primaryKey[1], { query: 'SELECT * FROM c', parameters: [] },
      { 'Content-Type': 'application/query+json', 'x-ms-documentdb-isquery': 'True' });
    return ((res && res.Documents) || []).map((d) => nosql.clean(d, secondaryKeyName));
  }

  async delete(table, primaryKey, secondaryKey) {
    await this.request('DELETE', [...this.docs(table), String(secondaryKey[1])], primaryKey[1]);
  }
}
nosql.instance = null;

module.exports = { nosql };
