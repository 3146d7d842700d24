'use strict';
// NoSQL shim for SeBS benchmarks on the local platform (Node.js standard library only).
// API (SeBS, async): nosql.get_instance(); keys are [name, value] pairs.
//   insert(table, primaryKey, secondaryKey, data)     upsert an item holding both key attributes
//   get(table, primaryKey, secondaryKey) -> object|null
//   update(table, primaryKey, secondaryKey, updates)  set attributes (creates the item if missing)
//   query(table, primaryKey, secondaryKeyName) -> object[]   the partition, ordered by the secondary key
//   delete(table, primaryKey, secondaryKey)
// Backends (the physical table name is NOSQL_STORAGE_TABLE_<table> when set, as in SeBS, else the table name):
//   DynamoDB-compatible (ScyllaDB Alternator, dynalite, DynamoDB) when NOSQL_STORAGE_ENDPOINT (host:port or a URL) is
//     set: the JSON API signed with Signature V4; AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY (default dummy values),
//     region NOSQL_STORAGE_REGION or AWS_REGION (default us-east-1). Tables must exist (HASH = primary, RANGE = secondary).
//   JSON files under SEBS_NOSQL_DIR, one per table (<dir>/<table>.json), the same format as nosql.py.
//     Writes are atomic (rename) and serialized within this process.
const crypto = require('crypto');
const fsp = require('fs/promises');
const http = require('http');
const https = require('https');
const path = require('path');

function toAv(value) {
  if (value === null || value === undefined) return { NULL: true };
  if (typeof value === 'boolean') return { BOOL: value };
  if (typeof value === 'number') return { N: String(value) };
  if (typeof value === 'bigint') return { N: value.toString() };
  if (typeof value === 'string') return { S: value };
  if (Buffer.isBuffer(value)) return { B: value.toString('base64') };
  if (Array.isArray(value)) return { L: value.map(toAv) };
  if (typeof value === 'object') return { M: Object.fromEntries(Object.entries(value).map(([k, v]) => [k, toAv(v)])) };
  throw new TypeError(`cannot store a ${typeof value} in NoSQL`);
}
function fromAv(av) {
  const [kind, value] = Object.entries(av)[0];
  switch (kind) {
    case 'S': return value;
    case 'N': return Number(value);
    case 'BOOL': return Boolean(value);
    case 'NULL': return null;
    case 'M': return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, fromAv(v)]));
    case 'L': return value.map(fromAv);
    case 'B': return Buffer.from(value, 'base64');
    case 'SS': return value;
    case 'NS': return value.map(Number);
    default: throw new Error(`unsupported attribute type ${kind}`);
  }
}
const unmarshal = (attrs) => fromAv({ M: attrs });

class Dynamo {
  constructor(endpoint, accessKey, secretKey, region) {
    this.secure = endpoint.startsWith('https://');
    this.host = endpoint.replace(/^https?:\/\//, '').replace(/\/+$/, '');
    this.accessKey = accessKey;
    this.secretKey = secretKey;
    this.region = region;
    this.transport = this.secure ? https : http;
    this.agent = new this.transport.Agent({ keepAlive: true });
  }
  sign(target, body, amzDate = null) {
    amzDate = amzDate || new Date().toISOString().replace(/[-:]/g, '').replace(/\.\d{3}/, '');
    const date = amzDate.slice(0, 8);
    const headers = { 'content-type': 'application/x-amz-json-1.0', host: this.host, 'x-amz-date': amzDate, 'x-amz-target': target };
    const names = Object.keys(headers).sort();
    const canonical = ['POST', '/', '', names.map((n) => `${n}:${headers[n]}\n`).join(''), names.join(';'),
      crypto.createHash('sha256').update(body).digest('hex')].join('\n');
    const scope = `${date}/${this.region}/dynamodb/aws4_request`;
    const toSign = ['AWS4-HMAC-SHA256', amzDate, scope, crypto.createHash('sha256').update(canonical).digest('hex')].join('\n');
    let key = Buffer.from('AWS4' + this.secretKey);
    for (const part of [date, this.region, 'dynamodb', 'aws4_request']) key = crypto.createHmac('sha256', key).update(part).digest();
    const signature = crypto.createHmac('sha256', key).update(toSign).digest('hex');
    headers.authorization = `AWS4-HMAC-SHA256 Credential=${this.accessKey}/${scope}, SignedHeaders=${names.join(';')}, Signature=${signature}`;
    return headers;
  }
  call(operation, payload) {
    const body = Buffer.from(JSON.stringify(payload));
    const headers = this.sign(`DynamoDB_20120810.${operation}`, body);
    headers['content-length'] = String(body.length);
    const [hostname, port] = this.host.split(':');
    return new Promise((resolve, reject) => {
      const req = this.transport.request({ method: 'POST', hostname, port: port || (this.secure ? 443 : 80), path: '/', headers, agent: this.agent }, (res) => {
        const chunks = [];
        res.on('data', (c) => chunks.push(c));
        res.on('error', reject);
        res.on('end', () => {
          let result;
          try { result = JSON.parse(Buffer.concat(chunks).toString('utf-8') || '{}'); } catch (err) { return reject(err); }
          if (res.statusCode >= 300) {
            return reject(new Error(`DynamoDB ${operation}: HTTP ${res.statusCode} ${result.__type || ''}: ${result.message || result.Message || ''}`));
          }
          resolve(result);
        });
      });
      req.on('error', reject);
      req.end(body);
    });
  }
}

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
    const env = process.env;
    this.dynamo = null;
    this.backend = null;
    if (env.NOSQL_STORAGE_ENDPOINT) {
      this.dynamo = new Dynamo(env.NOSQL_STORAGE_ENDPOINT, env.AWS_ACCESS_KEY_ID || 'sebs', env.AWS_SECRET_ACCESS_KEY || 'sebs',
        env.NOSQL_STORAGE_REGION || env.AWS_REGION || 'us-east-1');
    } else if (env.SEBS_NOSQL_DIR) {
      this.backend = new JsonFiles(env.SEBS_NOSQL_DIR);
    } else {
      throw new Error('no NoSQL storage configured: set NOSQL_STORAGE_ENDPOINT or SEBS_NOSQL_DIR');
    }
  }
  static keyOf(primaryKey, secondaryKey) {
    return toAv({ [primaryKey[0]]: primaryKey[1], [secondaryKey[0]]: secondaryKey[1] }).M;
  }
  static get_instance() {
    if (!nosql.instance) nosql.instance = new nosql();
    return nosql.instance;
  }
  static table(table) { return process.env[`NOSQL_STORAGE_TABLE_${table}`] || table; }

  async insert(table, primaryKey, secondaryKey, data) {
    const item = { ...data, [primaryKey[0]]: primaryKey[1], [secondaryKey[0]]: secondaryKey[1] };
    if (this.dynamo) {
      await this.dynamo.call('PutItem', { TableName: nosql.table(table), Item: toAv(item).M });
      return;
    }
    await this.backend.modify(nosql.table(table), (content) => {
      const pk = key(primaryKey[1]);
      content[pk] = content[pk] || {};
      content[pk][key(secondaryKey[1])] = item;
    });
  }
  async get(table, primaryKey, secondaryKey) {
    if (this.dynamo) {
      const res = await this.dynamo.call('GetItem', { TableName: nosql.table(table), ConsistentRead: true, Key: nosql.keyOf(primaryKey, secondaryKey) });
      return res.Item ? unmarshal(res.Item) : null;
    }
    const part = (await this.backend.read(nosql.table(table)))[key(primaryKey[1])] || {};
    const item = part[key(secondaryKey[1])];
    return item === undefined ? null : item;
  }
  async update(table, primaryKey, secondaryKey, updates) {
    if (this.dynamo) {
      const entries = Object.entries(updates);
      if (entries.length === 0) return;
      await this.dynamo.call('UpdateItem', {
        TableName: nosql.table(table),
        Key: nosql.keyOf(primaryKey, secondaryKey),
        UpdateExpression: 'SET ' + entries.map((_, i) => `#a${i} = :v${i}`).join(', '),
        ExpressionAttributeNames: Object.fromEntries(entries.map(([k], i) => [`#a${i}`, k])),
        ExpressionAttributeValues: Object.fromEntries(entries.map(([, v], i) => [`:v${i}`, toAv(v)])),
      });
      return;
    }
    await this.backend.modify(nosql.table(table), (content) => {
      const pk = key(primaryKey[1]);
      const sk = key(secondaryKey[1]);
      content[pk] = content[pk] || {};
      content[pk][sk] = { ...(content[pk][sk] || { [primaryKey[0]]: primaryKey[1], [secondaryKey[0]]: secondaryKey[1] }), ...updates };
    });
  }
  async query(table, primaryKey, secondaryKeyName) {
    if (this.dynamo) {
      const items = [];
      let start = null;
      do {
        const req = {
          TableName: nosql.table(table), ConsistentRead: true, KeyConditionExpression: '#pk = :pk',
          ExpressionAttributeNames: { '#pk': primaryKey[0] }, ExpressionAttributeValues: { ':pk': toAv(primaryKey[1]) },
        };
        if (start) req.ExclusiveStartKey = start;
        const res = await this.dynamo.call('Query', req);
        for (const i of res.Items || []) items.push(unmarshal(i));
        start = res.LastEvaluatedKey;
      } while (start);
      return items;
    }
    const part = (await this.backend.read(nosql.table(table)))[key(primaryKey[1])] || {};
    return Object.values(part).sort((a, b) => {
      const x = a[secondaryKeyName];
      const y = b[secondaryKeyName];
      return x < y ? -1 : x > y ? 1 : 0;
    });
  }
  async delete(table, primaryKey, secondaryKey) {
    if (this.dynamo) {
      await this.dynamo.call('DeleteItem', { TableName: nosql.table(table), Key: nosql.keyOf(primaryKey, secondaryKey) });
      return;
    }
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

module.exports = { nosql, Dynamo };
