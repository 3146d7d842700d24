'use strict';
// NoSQL shim for SeBS benchmarks on AWS Lambda (Node.js), on @aws-sdk/client-dynamodb + @aws-sdk/lib-dynamodb
// (part of Lambda's Node.js 18+ runtimes; not a package dependency).
// API (SeBS, async): nosql.get_instance(); keys are [name, value] pairs: insert(table, pk, sk, data),
// get(table, pk, sk) -> item | null, update(table, pk, sk, updates), query(table, pk, skName) -> items,
// delete(table, pk, sk). Table: NOSQL_STORAGE_TABLE_<table>, else <table>.
// Endpoint override: AWS_ENDPOINT_URL_DYNAMODB or AWS_ENDPOINT_URL.
const { DynamoDBClient } = require('@aws-sdk/client-dynamodb');
const {
  DynamoDBDocumentClient, PutCommand, GetCommand, UpdateCommand, QueryCommand, DeleteCommand,
} = require('@aws-sdk/lib-dynamodb');

class nosql {
  constructor() {
    const ep = process.env.AWS_ENDPOINT_URL_DYNAMODB || process.env.AWS_ENDPOINT_URL;
    const opts = {};
    if (ep) opts.endpoint = ep.includes('://') ? ep : `http://${ep}`;
    this.client = DynamoDBDocumentClient.from(new DynamoDBClient(opts), {
      marshallOptions: { removeUndefinedValues: true },
    });
  }

  static get_instance() {
    if (!nosql.instance) nosql.instance = new nosql();
    return nosql.instance;
  }

  static table(table) { return process.env[`NOSQL_STORAGE_TABLE_${table}`] || table; }
  static key(primaryKey, secondaryKey) {
    return { [primaryKey[0]]: primaryKey[1], [secondaryKey[0]]: secondaryKey[1] };
  }

  async insert(table, primaryKey, secondaryKey, data) {
    const item = { ...data, [primaryKey[0]]: primaryKey[1], [secondaryKey[0]]: secondaryKey[1] };
    await this.client.send(new PutCommand({ TableName: nosql.table(table), Item: item }));
  }

  async get(table, primaryKey, secondaryKey) {
    const res = await this.client.send(new GetCommand({
      TableName: nosql.table(table), Key: nosql.key(primaryKey, secondaryKey), ConsistentRead: true,
    }));
    return res.Item === undefined ? null : res.Item;
  }

  async update(table, primaryKey, secondaryKey, updates) {
    const entries = Object.entries(updates || {});
    if (entries.length === 0) return;
    await this.client.send(new UpdateCommand({
      TableName: nosql.table(table),
      Key: nosql.key(primaryKey, secondaryKey),
      UpdateExpression: 'SET ' + entries.map((_, i) => `#a${i} = :v${i}`).join(', '),
      ExpressionAttributeNames: Object.fromEntries(entries.map(([k], i) => [`#a${i}`, k])),
      ExpressionAttributeValues: Object.fromEntries(entries.map(([, v], i) => [`:v${i}`, v])),
    }));
  }

  async query(table, primaryKey, _secondaryKeyName) {
    const items = [];
    let start;
    do {
      const res = await this.client.send(new QueryCommand({
        TableName: nosql.table(table),
        KeyConditionExpression: '#pk = :pk',
        ExpressionAttributeNames: { '#pk': primaryKey[0] },
        ExpressionAttributeValues: { ':pk': primaryKey[1] },
        ConsistentRead: true,
        ExclusiveStartKey: start,
      }));
      items.push(...(res.Items || []));
      start = res.LastEvaluatedKey;
    } while (start);
    return items;
  }

  async delete(table, primaryKey, secondaryKey) {
    await this.client.send(new DeleteCommand({ TableName: nosql.table(table), Key: nosql.key(primaryKey, secondaryKey) }));
  }
}
nosql.instance = null;

module.exports = { nosql };
