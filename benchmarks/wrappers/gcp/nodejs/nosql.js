'use strict';
// NoSQL shim for SeBS benchmarks on Google Cloud Run functions (Node.js): Firestore in Datastore mode through the
// Datastore v1 REST API with Node's fetch. As SeBS: a table is a kind; the key is (primary-key name, primary value) /
// (kind, secondary value), so query(primary key) is an ancestor query. Items come back with both key attributes.
// API (SeBS, async): nosql.get_instance(); keys are [name, value] pairs: insert(table, pk, sk, data),
// get(table, pk, sk) -> item | null, update(table, pk, sk, updates), query(table, pk, skName) -> items,
// delete(table, pk, sk). Database: $NOSQL_STORAGE_DATABASE; kind: $NOSQL_STORAGE_TABLE_<table>, else <table>.
// Endpoint: https://datastore.googleapis.com, or $DATASTORE_EMULATOR_HOST.
const auth = require('./gcp_auth');

function encode(v) {
  if (v === null || v === undefined) return { nullValue: null };
  if (typeof v === 'boolean') return { booleanValue: v };
  if (typeof v === 'number') return Number.isInteger(v) ? { integerValue: String(v) } : { doubleValue: v };
  if (typeof v === 'string') return { stringValue: v };
  if (Array.isArray(v)) return { arrayValue: { values: v.map(encode) } };
  if (typeof v === 'object') return { entityValue: { properties: Object.fromEntries(Object.entries(v).map(([k, x]) => [k, encode(x)])) } };
  throw new Error(`cannot store ${typeof v} in Datastore`);
}

function decode(v) {
  if ('integerValue' in v) return Number(v.integerValue);
  if ('doubleValue' in v) return Number(v.doubleValue);
  if ('booleanValue' in v) return v.booleanValue;
  if ('stringValue' in v) return v.stringValue;
  if ('entityValue' in v) return Object.fromEntries(Object.entries(v.entityValue.properties || {}).map(([k, x]) => [k, decode(x)]));
  if ('arrayValue' in v) return (v.arrayValue.values || []).map(decode);
  return null;
}

const props = (entity) => Object.fromEntries(Object.entries(entity.properties || {}).map(([k, x]) => [k, decode(x)]));

class nosql {
  constructor() {
    this.database = process.env.NOSQL_STORAGE_DATABASE || '';
    this.base = auth.endpoint('DATASTORE_EMULATOR_HOST', 'https://datastore.googleapis.com');
  }

  static get_instance() {
    if (!nosql.instance) nosql.instance = new nosql();
    return nosql.instance;
  }

  static kind(table) { return process.env[`NOSQL_STORAGE_TABLE_${table}`] || table; }

  async partition() { return { projectId: await auth.project(), databaseId: this.database }; }

  async key(table, pk, sk) {
    return { partitionId: await this.partition(), path: [{ kind: pk[0], name: String(pk[1]) }, { kind: nosql.kind(table), name: String(sk[1]) }] };
  }

  async call(method, body) {
    const project = await auth.project();
    return auth.call('POST', `${this.base}/v1/projects/${project}:${method}`, { ...body, databaseId: this.database },
      { 'x-goog-request-params': `project_id=${project}&database_id=${this.database}` });
  }

  async put(key, item) {
    const properties = Object.fromEntries(Object.entries(item).map(([k, v]) => [k, encode(v)]));
    await this.call('commit', { mode: 'NON_TRANSACTIONAL', mutations: [{ upsert: { key, properties } }] });
  }

  async lookup(key) {
    const found = (await this.call('lookup', { keys: [key] })).found || [];
    return found.length ? props(found[0].entity) : null;
  }

  async insert(table, pk, sk, data) { await this.put(await this.key(table, pk, sk), { ...data }); }

  async get(table, pk, sk) {
    const item = await this.lookup(await this.key(table, pk, sk));
    return item === null ? null : { ...item, [pk[0]]: pk[1], [sk[0]]: sk[1] };
  }

  async update(table, pk, sk, updates) {
    // Datastore has no partial update: read, merge, write (as SeBS's shim).
    const key = await this.key(table, pk, sk);
    await this.put(key, { ...((await this.lookup(key)) || {}), ...updates });
  }

  async query(table, pk, skName) {
    const ancestor = { partitionId: await this.partition(), path: [{ kind: pk[0], name: String(pk[1]) }] };
    const answer = await this.call('runQuery', {
      partitionId: await this.partition(),
      query: { kind: [{ name: nosql.kind(table) }], filter: { propertyFilter: { property: { name: '__key__' }, op: 'HAS_ANCESTOR', value: { keyValue: ancestor } } } },
    });
    return ((answer.batch || {}).entityResults || []).map((r) => ({
      ...props(r.entity), [skName]: r.entity.key.path[r.entity.key.path.length - 1].name, [pk[0]]: pk[1],
    }));
  }

  async delete(table, pk, sk) {
    await this.call('commit', { mode: 'NON_TRANSACTIONAL', mutations: [{ delete: await this.key(table, pk, sk) }] });
  }
}
nosql.instance = null;

module.exports = { nosql };
