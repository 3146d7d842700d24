"""Object-storage shim for SeBS benchmarks on AWS Lambda (boto3 S3; boto3 ships with Lambda's Python runtimes).

API (SeBS): storage.get_instance(), unique_name(name), upload(bucket, key, filepath) -> key,
download(bucket, key, filepath), download_directory(bucket, prefix, path),
upload_stream(bucket, key, data) -> key, download_stream(bucket, key) -> bytes.
Not SeBS API: create_bucket(bucket), put_object(bucket, key, data) (exact key), for tests and the wrapper.

Endpoint override (tests, S3-compatible stores): AWS_ENDPOINT_URL_S3 or AWS_ENDPOINT_URL; path-style addressing is
used when one is set. Credentials and region come from boto3's usual sources (on Lambda: the execution role).
"""
import io
import os
import uuid

import boto3
from botocore.config import Config


def _endpoint(*names):
    for name in names:
        value = os.environ.get(name)
        if value:
            return value if "://" in value else "http://" + value
    return None


class storage:
    instance = None

    def __init__(self):
        endpoint = _endpoint("AWS_ENDPOINT_URL_S3", "AWS_ENDPOINT_URL")
        kwargs = {}
        if endpoint:
            kwargs["endpoint_url"] = endpoint
            kwargs["config"] = Config(s3={"addressing_style": "path"}, signature_version="s3v4")
        self.client = boto3.client("s3", **kwargs)

    @staticmethod
    def get_instance(*_args, **_kwargs):
        if storage.instance is None:
            storage.instance = storage()
        return storage.instance

    @staticmethod
    def unique_name(name):
        stem, ext = os.path.splitext(name)
        return "%s.%s%s" % (stem, uuid.uuid4().hex[:8], ext)

    def create_bucket(self, bucket):
        self.client.create_bucket(Bucket=bucket)

    def put_object(self, bucket, key, data):
        self.client.put_object(Bucket=bucket, Key=key, Body=data)
        return key

    def upload(self, bucket, key, filepath):
        name = self.unique_name(key)
        self.client.upload_file(filepath, bucket, name)
        return name

    def download(self, bucket, key, filepath):
        parent = os.path.dirname(os.path.abspath(filepath))
        os.makedirs(parent, exist_ok=True)
        self.client.download_file(bucket, key, filepath)

    def _keys(self, bucket, prefix):
        paginator = self.client.get_paginator("list_objects_v2")
        for page in paginator.paginate(Bucket=bucket, Prefix=prefix):
            for obj in page.get("Contents", []) or []:
                yield obj["Key"]

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

    def download_stream(self, bucket, key):
        buf = io.BytesIO()
        self.client.download_fileobj(bucket, key, buf)
        return buf.getvalue()
