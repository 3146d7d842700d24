"""Object-storage shim for SeBS benchmarks on Azure Functions: Blob containers as buckets, over the Blob REST API with
Shared Key authorization from STORAGE_CONNECTION_STRING, standard library only (the Python Azure SDK is not needed,
nor installable where PyPI is unreachable).

API (SeBS): storage.get_instance(connection_string=None), unique_name(name), upload(container, key, filepath) -> key,
download(container, key, filepath), download_directory(container, prefix, path), upload_stream(container, key, data) -> key,
download_stream(container, key) -> bytes. Not SeBS API: create_bucket(container), put_object(container, key, data) (exact key).
"""
import base64
import hashlib
import hmac
import os
import urllib.error
import urllib.parse
import urllib.request
import uuid
import xml.etree.ElementTree as ET
from email.utils import formatdate

API_VERSION = "2021-08-06"


def _parse(connection_string):
    parts = dict(p.split("=", 1) for p in connection_string.strip().strip(";").split(";") if "=" in p)
    account = parts["AccountName"]
    endpoint = parts.get("BlobEndpoint") or "%s://%s.blob.%s" % (parts.get("DefaultEndpointsProtocol", "https"), account, parts.get("EndpointSuffix", "core.windows.net"))
    return account, base64.b64decode(parts["AccountKey"]), endpoint.rstrip("/")


class storage:
    instance = None

    def __init__(self, connection_string):
        self.account, self.key, self.endpoint = _parse(connection_string)

    @staticmethod
    def get_instance(connection_string=None):
        if storage.instance is None:
            storage.instance = storage(connection_string or os.environ["STORAGE_CONNECTION_STRING"])
        return storage.instance

    @staticmethod
    def unique_name(name):
        stem, ext = os.path.splitext(name)
        return "%s.%s%s" % (stem, uuid.uuid4().hex[:8], ext)

    # ---- Blob REST with Shared Key (learn.microsoft.com/rest/api/storageservices/authorize-with-shared-key) ----
    def _request(self, method, path, query=None, data=b"", headers=None):
        query = query or {}
        url_path = urllib.parse.urlsplit(self.endpoint).path + "/" + urllib.parse.quote(path, safe="/")
        headers = dict(headers or {})
        headers.update({"x-ms-date": formatdate(usegmt=True), "x-ms-version": API_VERSION})
        length = str(len(data)) if data else ""
        canonical_headers = "".join("%s:%s\n" % (k, headers[k]) for k in sorted(h.lower() for h in headers) if k.startswith("x-ms-"))
        canonical_resource = "/%s%s" % (self.account, url_path)
        for k in sorted(query):
            canonical_resource += "\n%s:%s" % (k.lower(), query[k])
        sign = "\n".join([method, "", "", length, "", headers.get("Content-Type", ""), "", "", "", "", "", ""]) + "\n" + canonical_headers + canonical_resource
        signature = base64.b64encode(hmac.new(self.key, sign.encode("utf-8"), hashlib.sha256).digest()).decode()
        headers["Authorization"] = "SharedKey %s:%s" % (self.account, signature)
        url = urllib.parse.urlsplit(self.endpoint)._replace(path=url_path, query=urllib.parse.urlencode(query)).geturl()
        request = urllib.request.Request(url, data=data if method in ("PUT", "POST") else None, method=method, headers=headers)
        try:
            with urllib.request.urlopen(request, timeout=120) as r:
                return r.read()
        except urllib.error.HTTPError as e:
            raise RuntimeError("Blob %s %s failed: HTTP %d %s" % (method, path, e.code, e.read()[:300].decode("utf-8", "replace"))) from None

    def create_bucket(self, container):
        try:
            self._request("PUT", container, {"restype": "container"})
        except RuntimeError as e:
            if "ContainerAlreadyExists" not in str(e):
                raise

    def put_object(self, container, key, data):
        self._request("PUT", "%s/%s" % (container, key), data=bytes(data), headers={"x-ms-blob-type": "BlockBlob", "Content-Type": "application/octet-stream"})
        return key

    def upload(self, container, key, filepath):
        name = self.unique_name(key)
        with open(filepath, "rb") as f:
            self.put_object(container, name, f.read())
        return name

    def upload_stream(self, container, key, data):
        name = self.unique_name(key)
        if not isinstance(data, (bytes, bytearray, memoryview)):
            if hasattr(data, "seek"):
                data.seek(0)
            data = data.read()
        self.put_object(container, name, data)
        return name

    def download_stream(self, container, key):
        return self._request("GET", "%s/%s" % (container, key))

    def download(self, container, key, filepath):
        os.makedirs(os.path.dirname(os.path.abspath(filepath)), exist_ok=True)
        with open(filepath, "wb") as f:
            f.write(self.download_stream(container, key))

    def _keys(self, container, prefix):
        marker = None
        while True:
            query = {"restype": "container", "comp": "list", "prefix": prefix}
            if marker:
                query["marker"] = marker
            root = ET.fromstring(self._request("GET", container, query))
            for blob in root.iter("Blob"):
                yield blob.findtext("Name")
            marker = root.findtext("NextMarker")
            if not marker:
                return

    def download_directory(self, container, prefix, path):
        for key in list(self._keys(container, prefix)):
            self.download(container, key, os.path.join(path, *key.split("/")))
