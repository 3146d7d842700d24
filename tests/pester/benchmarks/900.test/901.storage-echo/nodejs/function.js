const crypto = require('crypto');
const fs = require('fs');
const os = require('os');
const path = require('path');
const storage = require('./storage');

exports.handler = async function (event) {
  const client = new storage.storage();
  const bucket = event.bucket.bucket;
  const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'sebs-')), event.key);
  await client.download(bucket, event.bucket.input + '/' + event.key, file);
  const digest = crypto.createHash('md5').update(fs.readFileSync(file)).digest('hex');
  const [key, done] = client.upload(bucket, event.bucket.output + '/' + event.key, file);
  await done;
  return { result: { md5: digest, key: key } };
};
