"""Object-storage shim for SeBS benchmarks on the local platform (standard library only).

API (SeBS): storage.get_instance(), unique_name(name), upload(bucket, key, filepath) -> key,
download(bucket, key, filepath), download_directory(bucket, prefix, path),
upload_stream(bucket, key, data) -> key, download_stream(bucket, key) -> bytes.

Backends, chosen from the environment:
  * S3-compatible (MinIO, s3rver): MINIO_ADDRESS (host:port, optionally with http:// or https://),
    MINIO_ACCESS_KEY, MINIO_SECRET_KEY, MINIO_REGION (default us-east-1). Path-style URLs, Signature V4.
  * Directory store: SEBS_STORAGE_DIR; bucket = sub-directory, key = relative path.
"""
import datetime
import hashlib
import hmac
import http.client
import io
import os
import shutil
import threading
import uuid
import xml.etree.ElementTree as ET
from urllib.parse import quote

_CHUNK = 1 << 20
_EMPTY_SHA256 = hashlib.sha256(b"").hexdigest()


class StorageError(Exception):
    pass


def _local(tag):
    return tag.rsplit("}", 1)[-1]


class _S3:
    """Just enough of the S3 REST API: PutObject, GetObject, ListObjectsV2, CreateBucket."""

    def __init__(self, address, access_key, secret_key, region):
        secure = False
        if address.startswith("https://"):
            secure, address = True, address[len("https://"):]
        elif address.startswith("http://"):
            address = address[len("http://"):]
        self.host = address.rstrip("/")
        self.secure = secure
        self.access_key = access_key
        self.secret_key = secret_key
        self.region = region
        self._tls = threading.local()
        self._key_cache = {}
        # ListObjectsV2 page size; only set to test continuation (the server default is 1000).
        self.page_size = os.environ.get("SEBS_S3_LIST_PAGE_SIZE")

    # -- transport -------------------------------------------------------------------------------
    def _conn(self, fresh=False):
        conn = getattr(self._tls, "conn", None)
        if conn is None or fresh:
            if conn is not None:
                conn.close()
            cls = http.client.HTTPSConnection if self.secure else http.client.HTTPConnection
            conn = cls(self.host, timeout=60)
            self._tls.conn = conn
        return conn

    def _signing_key(self, date):
        key = self._key_cache.get(date)
        if key is None:
            key = ("AWS4" + self.secret_key).encode()
            for part in (date, self.region, "s3", "aws4_request"):
                key = hmac.new(key, part.encode(), hashlib.sha256).digest()
            self._key_cache = {date: key}
        return key

    def _headers(self, method, path, query, payload_hash, extra=None, amz_date=None):
        amz_date = amz_date or datetime.datetime.now(datetime.timezone.utc).strftime("%Y%m%dT%H%M%SZ")
        date = amz_date[:8]
        headers = {"host": self.host, "x-amz-content-sha256": payload_hash, "x-amz-date": amz_date}
        if extra:
            headers.update({k.lower(): v for k, v in extra.items()})
        names = sorted(headers)
        canonical_query = "&".join(
            "%s=%s" % (quote(k, safe="-_.~"), quote(v, safe="-_.~")) for k, v in sorted(query.items()))
        canonical = "\n".join([
            method, path, canonical_query,
            "".join("%s:%s\n" % (n, " ".join(str(headers[n]).split())) for n in names),
            ";".join(names), payload_hash])
        scope = "%s/%s/s3/aws4_request" % (date, self.region)
        to_sign = "\n".join(["AWS4-HMAC-SHA256", amz_date, scope, hashlib.sha256(canonical.encode()).hexdigest()])
        signature = hmac.new(self._signing_key(date), to_sign.encode(), hashlib.sha256).hexdigest()
        headers["authorization"] = "AWS4-HMAC-SHA256 Credential=%s/%s, SignedHeaders=%s, Signature=%s" % (
            self.access_key, scope, ";".join(names), signature)
        return headers, canonical_query

    @staticmethod
    def _path(bucket, key=None):
        path = "/" + quote(bucket, safe="-_.~")
        if key is not None:
            path += "/" + quote(key, safe="-_.~/")
        return path

    def _request(self, method, bucket, key=None, query=None, body=None, payload_hash=_EMPTY_SHA256, length=None):
        """Sends one request; returns the open response (the caller reads it). Retries once on a stale connection."""
        query = query or {}
        path = self._path(bucket, key)
        extra = {"content-length": str(length if length is not None else (len(body) if body else 0))} \
            if method in ("PUT", "POST") else None
        for attempt in (0, 1):
            headers, qs = self._headers(method, path, query, payload_hash, extra)
            url = path + ("?" + qs if qs else "")
            conn = self._conn(fresh=attempt > 0)
            try:
                if hasattr(body, "seek"):
                    body.seek(0)
                conn.request(method, url, body=body, headers=headers)
                resp = conn.getresponse()
            except (http.client.HTTPException, ConnectionError, OSError):
                if attempt:
                    raise
                continue
            if resp.status >= 300:
                data = resp.read()
                raise StorageError("S3 %s %s: HTTP %d %s" % (method, url, resp.status, self._error_text(data)))
            return resp

    @staticmethod
    def _error_text(data):
        try:
            root = ET.fromstring(data)
            fields = {_local(e.tag): (e.text or "") for e in root.iter()}
            return "%s: %s" % (fields.get("Code", ""), fields.get("Message", ""))
        except ET.ParseError:
            return data[:200].decode("utf-8", "replace")

    # -- operations --------------------------------------------------------------------------------
    def create_bucket(self, bucket):
        try:
            self._request("PUT", bucket).read()
        except StorageError as exc:
            if "BucketAlreadyOwnedByYou" not in str(exc) and "BucketAlreadyExists" not in str(exc):
                raise

    def put_bytes(self, bucket, key, data):
        self._request("PUT", bucket, key, body=data, payload_hash=hashlib.sha256(data).hexdigest()).read()

    def put_file(self, bucket, key, filepath):
        digest = hashlib.sha256()
        with open(filepath, "rb") as f:
            for chunk in iter(lambda: f.read(_CHUNK), b""):
                digest.update(chunk)
            size = f.tell()
            self._request("PUT", bucket, key, body=f, payload_hash=digest.hexdigest(), length=size).read()

    def get_bytes(self, bucket, key):
        return self._request("GET", bucket, key).read()

    def get_file(self, bucket, key, filepath):
        resp = self._request("GET", bucket, key)
        with open(filepath, "wb") as f:
            shutil.copyfileobj(resp, f, _CHUNK)

    def list_keys(self, bucket, prefix):
        keys, token = [], None
        while True:
            query = {"list-type": "2", "prefix": prefix}
            if self.page_size:
                query["max-keys"] = str(self.page_size)
            if token:
                query["continuation-token"] = token
            root = ET.fromstring(self._request("GET", bucket, query=query).read())
            truncated, token = False, None
            for child in root:
                name = _local(child.tag)
                if name == "Contents":
                    for field in child:
                        if _local(field.tag) == "Key":
                            keys.append(field.text or "")
                elif name == "IsTruncated":
                    truncated = (child.text or "").strip().lower() == "true"
                elif name == "NextContinuationToken":
                    token = child.text
            if not truncated or not token:
                return keys


class _Directory:
    """A bucket is a sub-directory of the root, a key a relative path below it."""

    def __init__(self, root):
        self.root = os.path.abspath(root)

    def _bucket_dir(self, bucket):
        if not bucket or bucket in (".", "..") or "/" in bucket or "\\" in bucket or "\0" in bucket:
            raise StorageError("invalid bucket name: %r" % (bucket,))
        return os.path.join(self.root, bucket)

    def _path(self, bucket, key):
        base = self._bucket_dir(bucket)
        parts = key.replace("\\", "/").split("/")
        if not key or "\0" in key or key.startswith("/") or any(p in ("", ".", "..") for p in parts):
            raise StorageError("invalid key (empty, absolute or with '.'/'..' segments): %r" % (key,))
        path = os.path.join(base, *parts)
        if os.path.commonpath([os.path.realpath(base), os.path.realpath(path)]) != os.path.realpath(base):
            raise StorageError("key escapes the bucket: %r" % (key,))
        return path

    def create_bucket(self, bucket):
        os.makedirs(self._bucket_dir(bucket), exist_ok=True)

    def _target(self, bucket, key):
        path = self._path(bucket, key)
        os.makedirs(os.path.dirname(path), exist_ok=True)
        return path

    def put_bytes(self, bucket, key, data):
        path = self._target(bucket, key)
        tmp = "%s.%s.tmp" % (path, uuid.uuid4().hex[:8])
        with open(tmp, "wb") as f:
            f.write(data)
        os.replace(tmp, path)

    def put_file(self, bucket, key, filepath):
        path = self._target(bucket, key)
        tmp = "%s.%s.tmp" % (path, uuid.uuid4().hex[:8])
        shutil.copyfile(filepath, tmp)
        os.replace(tmp, path)

    def _existing(self, bucket, key):
        path = self._path(bucket, key)
        if not os.path.isfile(path):
            raise StorageError("no such object: %s/%s" % (bucket, key))
        return path

    def get_bytes(self, bucket, key):
        with open(self._existing(bucket, key), "rb") as f:
            return f.read()

    def get_file(self, bucket, key, filepath):
        shutil.copyfile(self._existing(bucket, key), filepath)

    def list_keys(self, bucket, prefix):
        base = self._bucket_dir(bucket)
        keys = []
        for dirpath, _dirs, files in os.walk(base):
            for name in files:
                key = os.path.relpath(os.path.join(dirpath, name), base).replace(os.sep, "/")
                if key.startswith(prefix):
                    keys.append(key)
        return sorted(keys)


class storage:
    instance = None

    def __init__(self):
        address = os.environ.get("MINIO_ADDRESS")
        if address and os.environ.get("MINIO_ACCESS_KEY") is not None and os.environ.get("MINIO_SECRET_KEY") is not None:
            self.backend = _S3(address, os.environ["MINIO_ACCESS_KEY"], os.environ["MINIO_SECRET_KEY"],
                               os.environ.get("MINIO_REGION") or "us-east-1")
        elif os.environ.get("SEBS_STORAGE_DIR"):
            self.backend = _Directory(os.environ["SEBS_STORAGE_DIR"])
        else:
            raise StorageError("no object storage configured: set MINIO_ADDRESS/MINIO_ACCESS_KEY/MINIO_SECRET_KEY "
                               "or SEBS_STORAGE_DIR")

    @staticmethod
    def get_instance():
        if storage.instance is None:
            storage.instance = storage()
        return storage.instance

    @staticmethod
    def unique_name(name):
        stem, ext = os.path.splitext(name)
        return "%s.%s%s" % (stem, uuid.uuid4().hex[:8], ext)

    def create_bucket(self, bucket):
        """Not part of SeBS's function API; for tests and set-up code."""
        self.backend.create_bucket(bucket)

    def upload(self, bucket, key, filepath):
        name = storage.unique_name(key)
        self.backend.put_file(bucket, name, filepath)
        return name

    def download(self, bucket, key, filepath):
        parent = os.path.dirname(os.path.abspath(filepath))
        os.makedirs(parent, exist_ok=True)
        self.backend.get_file(bucket, key, filepath)

    def download_directory(self, bucket, prefix, path):
        for key in self.backend.list_keys(bucket, prefix):
            self.download(bucket, key, os.path.join(path, *key.split("/")))

    def upload_stream(self, bucket, key, data):
        name = storage.unique_name(key)
        if isinstance(data, (bytes, bytearray, memoryview)):
            payload = bytes(data)
        elif isinstance(data, io.BytesIO):
            payload = data.getvalue()
        elif hasattr(data, "read"):
            payload = data.read()
        else:
            raise TypeError("upload_stream expects bytes or a binary file object, got %s" % type(data).__name__)
        self.backend.put_bytes(bucket, name, payload)
        return name

    def download_stream(self, bucket, key):
        return self.backend.get_bytes(bucket, key)
