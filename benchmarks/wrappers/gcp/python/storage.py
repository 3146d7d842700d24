"""Object-storage shim for SeBS benchmarks on Google Cloud Run functions: the Cloud Storage JSON API, standard
library only (the google-cloud-storage package is not needed), with a token from the metadata server.

API (SeBS): storage.get_instance(), unique_name(name), upload(bucket, key, filepath) -> key,
download(bucket, key, filepath), download_directory(bucket, prefix, path),
upload_stream(bucket, key, data) -> key, download_stream(bucket, key) -> bytes.
Not SeBS API: create_bucket(bucket), put_object(bucket, key, data) (exact key), for tests and the wrapper.
Endpoint: https://storage.googleapis.com, or $STORAGE_EMULATOR_HOST (as google-cloud-storage reads it).
"""
import io
import os
import uuid
from urllib.parse import quote

from . import gcp_auth


class storage:
    instance = None

    def __init__(self):
        self.base = gcp_auth.endpoint("STORAGE_EMULATOR_HOST", "https://storage.googleapis.com")

    @staticmethod
    def get_instance(*_args, **_kwargs):
        if storage.instance is None:
            storage.instance = storage()
        return storage.instance

    @staticmethod
    def unique_name(name):
        stem, ext = os.path.splitext(name)
        return "%s.%s%s" % (stem, uuid.uuid4().hex[:8], ext)

    def _object(self, bucket, key):
        return "%s/storage/v1/b/%s/o/%s" % (self.base, quote(bucket, safe=""), quote(key, safe=""))

    def create_bucket(self, bucket):
        gcp_auth.call("POST", "%s/storage/v1/b?project=%s" % (self.base, quote(gcp_auth.project())), {"name": bucket})

    def put_object(self, bucket, key, data):
        url = "%s/upload/storage/v1/b/%s/o?uploadType=media&name=%s" % (self.base, quote(bucket, safe=""), quote(key, safe=""))
        gcp_auth.call("POST", url, bytes(data), {"Content-Type": "application/octet-stream"}, raw=True)
        return key

    def upload(self, bucket, key, filepath):
        name = self.unique_name(key)
        with open(filepath, "rb") as f:
            self.put_object(bucket, name, f.read())
        return name

    def download_stream(self, bucket, key):
        return gcp_auth.call("GET", self._object(bucket, key) + "?alt=media", raw=True)

    def download(self, bucket, key, filepath):
        os.makedirs(os.path.dirname(os.path.abspath(filepath)), exist_ok=True)
        with open(filepath, "wb") as f:
            f.write(self.download_stream(bucket, key))

    def _keys(self, bucket, prefix):
        token = None
        while True:
            url = "%s/storage/v1/b/%s/o?prefix=%s" % (self.base, quote(bucket, safe=""), quote(prefix, safe=""))
            if token:
                url += "&pageToken=" + quote(token, safe="")
            page = gcp_auth.call("GET", url)
            for item in page.get("items", []):
                yield item["name"]
            token = page.get("nextPageToken")
            if not token:
                return

    def download_directory(self, bucket, prefix, path):
        for key in list(self._keys(bucket, prefix)):
            self.download(bucket, key, os.path.join(path, *key.split("/")))

    def upload_stream(self, bucket, key, data):
        name = self.unique_name(key)
        if isinstance(data, (bytes, bytearray, memoryview)):
            body = bytes(data)
        else:
            if hasattr(data, "seek"):
                data.seek(0)
            body = data.read()
        self.put_object(bucket, name, body)
        return name
