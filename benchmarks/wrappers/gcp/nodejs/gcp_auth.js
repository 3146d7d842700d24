'use strict';
// Access tokens and the project for the GCS and Datastore shims, from the metadata server, with Node's fetch only.
// Metadata server: http://metadata.google.internal, or $GCE_METADATA_HOST (host:port) as the Google libraries honour it.
let cached = { token: null, expires: 0 };
let projectId = null;

async function metadata(p) {
  const host = process.env.GCE_METADATA_HOST || 'metadata.google.internal';
  const r = await fetch(`http://${host}/computeMetadata/v1/${p}`, { headers: { 'Metadata-Flavor': 'Google' } });
  if (!r.ok) throw new Error(`metadata server: HTTP ${r.status} for ${p}`);
  return r.text();
}

async function token() {
  if (!cached.token || Date.now() / 1000 > cached.expires - 60) {
    const a = JSON.parse(await metadata('instance/service-accounts/default/token'));
    cached = { token: a.access_token, expires: Date.now() / 1000 + Number(a.expires_in || 300) };
  }
  return cached.token;
}

async function project() {
  if (!projectId) projectId = process.env.GOOGLE_CLOUD_PROJECT || process.env.GCP_PROJECT || (await metadata('project/project-id')).trim();
  return projectId;
}

// One authorised request: JSON in and out, or raw bytes (Buffer) with raw = true. Errors carry Google's status and message.
async function call(method, url, body, headers = {}, raw = false) {
  const h = { Authorization: `Bearer ${await token()}`, ...headers };
  let data;
  if (body !== undefined && body !== null) {
    data = raw ? body : JSON.stringify(body);
    if (!raw) h['Content-Type'] = 'application/json';
  }
  const r = await fetch(url, { method, headers: h, body: data });
  const content = Buffer.from(await r.arrayBuffer());
  if (!r.ok) {
    let detail = content.toString('utf8');
    try { const e = JSON.parse(detail).error; detail = `${e.status || e.code}: ${e.message}`; } catch (_) { /* not JSON */ }
    throw new Error(`${method} ${url.split('?')[0]} failed: HTTP ${r.status}: ${detail}`);
  }
  if (raw) return content;
  return content.length ? JSON.parse(content.toString('utf8')) : {};
}

function endpoint(variable, fallback) {
  const v = process.env[variable];
  if (!v) return fallback;
  return (v.includes('://') ? v : `http://${v}`).replace(/\/+$/, '');
}

module.exports = { token, project, call, endpoint };
