'use strict';
// NoSQL shim for SeBS benchmarks on the local platform (Node.js standard library only).
// API (SeBS, async): nosql.get_instance(); keys are [name, value] pairs.
//   insert(table, primaryKey, secondaryKey, data)     upsert an item holding both key attributes
//   get(table, primaryKey, secondaryKey) -> object|null
//   update(table, primaryKey, secondaryKey, updates)  set attributes (creates the item if missing)
//   query(table, primaryKey, secondaryKeyName) -> object[]   the partition, ordered by the secondary key
//   delete(table, primaryKey, secondaryKey)
// Backend: JSON files under SEBS_NOSQL_DIR, one per table (<dir>/<table>.json), the same format as nosql.py.
// Writes are atomic (rename) and serialized within this process. The physical table name is taken from
// NOSQL_STORAGE_TABLE_<table> when set, else the benchmark's table name.
const crypto = require('crypto');
const fsp = require('fs/promises');
const path = require('path');

// Same key encoding as Python's json.dumps(value) for strings, integers, booleans and null (a float with an
// integral value, e.g. 1.0, is "1.0" in Python but "1" here: use strings or integers as keys across languages).
function key(value) {
  if (typeof value === 'string') {
    return JSON.stringify(value).replace(/[\u0080-\uffff]/g, (c) => '\\u' + c.charCodeAt(0).toString(16).padStart(4, '0'));
  }
  return JSON.stringify(value);
}

class JsonFiles {
  constructor(root) {
    this.root = path.resolve(root);
    this.chain = Promise.resolve();
  }
  file(table) {
    if (!/^[A-Za-z0-9_.-]+$/.test(table) || table === '.' || table === '..') throw new Error(`invalid table name: ${JSON.stringify(table)}`);
    return path.join(this.root, `${table}.json`);
  }
  async read(table) {
    try {
      return JSON.parse(await fsp.readFile(this.file(table), 'utf-8'));
    } catch (err) {
      if (err.code === 'ENOENT') return {};
      throw err;
    }
  }
  modify(table, change) {
    const run = this.chain.then(async () => {
      const content = await this.read(table);
      const result = change(content);
      await fsp.mkdir(this.root, { recursive: true });
      const f = this.file(table);
      const tmp = `${f}.${crypto.randomBytes(4).toString('hex')}.tmp`;
      await fsp.writeFile(tmp, JSON.stringify(content));
      await fsp.rename(tmp, f);
      return result;
    });
    this.chain = run.catch(() => {});
    return run;
  }
}

class nosql {
  constructor() {
    if (!process.env.SEBS_NOSQL_DIR) throw new Error('no NoSQL storage configured: set SEBS_NOSQL_DIR');
    this.backend = new JsonFiles(process.env.SEBS_NOSQL_DIR);
  }
  static get_instance() {
    if (!nosql.instance) nosql.instance = new nosql();
    return nosql.instance;
  }
  static table(table) { return process.env[`NOSQL_STORAGE_TABLE_${table}`] || table; }

  async insert(table, primaryKey, secondaryKey, data) {
    const item = { ...data, [primaryKey[0]]: primaryKey[1], [secondaryKey[0]]: secondaryKey[1] };
    await this.backend.modify(nosql.table(table), (content) => {
      const pk = key(primaryKey[1]);
      content[pk] = content[pk] || {};
      content[pk][key(secondaryKey[1])] = item;
    });
  }
  async get(table, primaryKey, secondaryKey) {
    const part = (await this.backend.read(nosql.table(table)))[key(primaryKey[1])] || {};
    const item = part[key(secondaryKey[1])];
    return item === undefined ? null : item;
  }
  async update(table, primaryKey, secondaryKey, updates) {
    await this.backend.modify(nosql.table(table), (content) => {
      const pk = key(primaryKey[1]);
      const sk = key(secondaryKey[1]);
      content[pk] = content[pk] || {};
      content[pk][sk] = { ...(content[pk][sk] || { [primaryKey[0]]: primaryKey[1], [secondaryKey[0]]: secondaryKey[1] }), ...updates };
    });
  }
  async query(table, primaryKey, secondaryKeyName) {
    const part = (await this.backend.read(nosql.table(table)))[key(primaryKey[1])] || {};
    return Object.values(part).sort((a, b) => {
      const x = a[secondaryKeyName];
      const y = b[secondaryKeyName];
      return x < y ? -1 : x > y ? 1 : 0;
    });
  }
  async delete(table, primaryKey, secondaryKey) {
    await this.backend.modify(nosql.table(table), (content) => {
      const pk = key(primaryKey[1]);
      if (content[pk]) {
        delete content[pk][key(secondaryKey[1])];
        if (Object.keys(content[pk]).length === 0) delete content[pk];
      }
    });
  }
}
nosql.instance = null;

module.exports = { nosql };
