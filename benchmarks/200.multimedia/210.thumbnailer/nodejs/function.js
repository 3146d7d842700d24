const path = require('path');
const sharp = require('sharp');
const storage = require('./storage');

const micros = (start, end) => Number(end - start) / 1000;

async function readAll(stream) {
  const chunks = [];
  for await (const chunk of stream) chunks.push(chunk);
  return Buffer.concat(chunks);
}

exports.handler = async function (event) {
  const bucket = event.bucket.bucket;
  const inputPrefix = event.bucket.input;
  const outputPrefix = event.bucket.output;
  const key = event.object.key;
  const width = Number(event.object.width);
  const height = Number(event.object.height);

  const client = new storage.storage();
  const t0 = process.hrtime.bigint();
  const data = await readAll(await client.downloadStream(bucket, `${inputPrefix}/${key}`));
  const t1 = process.hrtime.bigint();
  // fit: inside keeps the aspect ratio within the box; withoutEnlargement never scales up (like Pillow's thumbnail).
  const thumb = await sharp(data).resize({ width, height, fit: 'inside', withoutEnlargement: true }).png().toBuffer();
  const t2 = process.hrtime.bigint();
  const stem = path.basename(key, path.extname(key));
  const [writeStream, uploaded, outKey] = client.uploadStream(bucket, `${outputPrefix}/${stem}.png`);
  writeStream.end(thumb);
  await uploaded;
  const t3 = process.hrtime.bigint();

  return {
    result: { bucket, key: outKey },
    measurement: {
      download_time: micros(t0, t1),
      download_size: data.length,
      upload_time: micros(t2, t3),
      upload_size: thumb.length,
      compute_time: micros(t1, t2),
    },
  };
};
