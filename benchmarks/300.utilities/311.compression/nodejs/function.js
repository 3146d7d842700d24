const fs = require('fs');
const os = require('os');
const path = require('path');
const archiver = require('archiver');
const storage = require('./storage');

const micros = (start, end) => Number(end - start) / 1000;

function treeSize(dir) {
  let total = 0;
  for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
    const p = path.join(dir, entry.name);
    total += entry.isDirectory() ? treeSize(p) : fs.statSync(p).size;
  }
  return total;
}

function zipDirectory(source, name, target) {
  return new Promise((resolve, reject) => {
    const output = fs.createWriteStream(target);
    const archive = archiver('zip', { zlib: { level: 6 } });
    output.on('close', resolve);
    output.on('error', reject);
    archive.on('error', reject);
    archive.on('warning', reject);
    archive.pipe(output);
    archive.directory(source, name);
    archive.finalize();
  });
}

exports.handler = async function (event) {
  const bucket = event.bucket.bucket;
  const inputPrefix = event.bucket.input;
  const outputPrefix = event.bucket.output;
  const key = event.object.key.replace(/^\/+|\/+$/g, '');
  const name = key.split('/').pop();

  const client = new storage.storage();
  const workdir = fs.mkdtempSync(path.join(os.tmpdir(), 'compression-'));
  try {
    const downloadRoot = path.join(workdir, 'download');
    const t0 = process.hrtime.bigint();
    // Objects land in <downloadRoot>/<full key>; the trailing "/" keeps "dir2/" out of "dir".
    await client.downloadDirectory(bucket, `${inputPrefix}/${key}/`, downloadRoot);
    const t1 = process.hrtime.bigint();
    const source = path.join(downloadRoot, ...`${inputPrefix}/${key}`.split('/'));
    if (!fs.existsSync(source)) throw new Error(`no objects under ${bucket}/${inputPrefix}/${key}/`);
    const downloadSize = treeSize(source);

    const archivePath = path.join(workdir, `${name}.zip`);
    const t2 = process.hrtime.bigint();
    await zipDirectory(source, name, archivePath);
    const t3 = process.hrtime.bigint();
    const [outKey, uploaded] = client.upload(bucket, `${outputPrefix}/${name}.zip`, archivePath);
    await uploaded;
    const t4 = process.hrtime.bigint();
    const uploadSize = fs.statSync(archivePath).size;

    return {
      result: { bucket, key: outKey },
      measurement: {
        download_time: micros(t0, t1),
        download_size: downloadSize,
        upload_time: micros(t3, t4),
        upload_size: uploadSize,
        compute_time: micros(t2, t3),
      },
    };
  } finally {
    fs.rmSync(workdir, { recursive: true, force: true });
  }
};
