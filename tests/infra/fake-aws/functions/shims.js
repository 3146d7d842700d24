// Test benchmark (function/function.js) that drives the AWS storage and nosql shims and reports what it saw.
const fs = require('fs');
const os = require('os');
const path = require('path');
const { DynamoDBClient, CreateTableCommand, DescribeTableCommand } = require('@aws-sdk/client-dynamodb');
const storage = require('./storage');
const nosql = require('./nosql');

async function ensureTable(name) {
  const client = new DynamoDBClient({ endpoint: process.env.AWS_ENDPOINT_URL_DYNAMODB || process.env.AWS_ENDPOINT_URL });
  try {
    await client.send(new CreateTableCommand({
      TableName: name, BillingMode: 'PAY_PER_REQUEST',
      AttributeDefinitions: [{ AttributeName: 'cart', AttributeType: 'S' }, { AttributeName: 'item', AttributeType: 'S' }],
      KeySchema: [{ AttributeName: 'cart', KeyType: 'HASH' }, { AttributeName: 'item', KeyType: 'RANGE' }],
    }));
  } catch (err) {
    if (err.name !== 'ResourceInUseException') throw err;
  }
  for (let i = 0; i < 30; i++) {
    const d = await client.send(new DescribeTableCommand({ TableName: name }));
    if (d.Table.TableStatus === 'ACTIVE') return;
    await new Promise((r) => setTimeout(r, 500));
  }
}

const readAll = async (stream) => { const c = []; for await (const x of stream) c.push(Buffer.from(x)); return Buffer.concat(c); };

exports.handler = async (event) => {
  const out = {};
  const s = storage.storage.get_instance();
  const bucket = event.bucket;
  await s.createBucket(bucket);
  const work = fs.mkdtempSync(path.join(os.tmpdir(), 'shims-'));
  const src = path.join(work, 'in.txt');
  fs.writeFileSync(src, `hello ${bucket}`);
  const [name, p] = s.upload(bucket, 'dir/in.txt', src);
  await p;
  out.uploaded = name;
  const [ws, p2, name2] = s.uploadStream(bucket, 'dir/blob.bin');
  ws.end(Buffer.from([0, 1, 98, 105, 110, 97, 114, 121, 255]));
  await p2;
  out.streamed = name2;
  await s.download(bucket, name, path.join(work, 'out', 'copy.txt'));
  out.copy = fs.readFileSync(path.join(work, 'out', 'copy.txt'), 'utf8');
  out.stream_b64 = (await readAll(await s.downloadStream(bucket, name2))).toString('base64');
  await s.downloadDirectory(bucket, 'dir/', path.join(work, 'tree'));
  const tree = [];
  const walk = (d) => { for (const e of fs.readdirSync(d, { withFileTypes: true })) { const f = path.join(d, e.name); if (e.isDirectory()) walk(f); else tree.push(path.relative(path.join(work, 'tree'), f).split(path.sep).join('/')); } };
  walk(path.join(work, 'tree'));
  out.tree = tree.sort();

  await ensureTable(process.env.NOSQL_STORAGE_TABLE_shop);
  const n = nosql.nosql.get_instance();
  await n.insert('shop', ['cart', 'c1'], ['item', 'b'], { price: 7, ratio: 0.25 });
  await n.insert('shop', ['cart', 'c1'], ['item', 'a'], { price: 3, ratio: 0.5, tags: ['x', 'y'] });
  out.got = await n.get('shop', ['cart', 'c1'], ['item', 'a']);
  await n.update('shop', ['cart', 'c1'], ['item', 'a'], { price: 4, note: 'updated' });
  out.updated = await n.get('shop', ['cart', 'c1'], ['item', 'a']);
  out.query = await n.query('shop', ['cart', 'c1'], 'item');
  await n.delete('shop', ['cart', 'c1'], ['item', 'b']);
  out.after_delete = await n.query('shop', ['cart', 'c1'], 'item');
  out.missing = await n.get('shop', ['cart', 'c1'], ['item', 'b']);
  return out;
};
