"""Sends one Signature-V4-signed request (for manual checks of the fake): prints {"status","headers","body"} as JSON.

python3 awscall.py --endpoint http://127.0.0.1:P --service lambda --method GET --path /2015-03-31/functions/
Options: --query, --body (text) or --body-file, --header K:V (repeatable), --region, --access-key, --secret-key.
"""
import argparse
import http.client
import json
import os
import sys
from urllib.parse import urlsplit

sys.dont_write_bytecode = True
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import sigv4  # noqa: E402

p = argparse.ArgumentParser()
p.add_argument("--endpoint", required=True)
p.add_argument("--service", required=True)
p.add_argument("--method", default="GET")
p.add_argument("--path", default="/")
p.add_argument("--query", default="")
p.add_argument("--body", default="")
p.add_argument("--body-file")
p.add_argument("--header", action="append", default=[])
p.add_argument("--region", default="us-east-1")
p.add_argument("--access-key", default="AKIDSEBSTEST")
p.add_argument("--secret-key", default="sebs-test-secret")
a = p.parse_args()
body = open(a.body_file, "rb").read() if a.body_file else a.body.encode()
host = urlsplit(a.endpoint).netloc
headers = {"host": host}
for h in a.header:
    k, _, v = h.partition(":")
    headers[k.strip().lower()] = v.strip()
signed = sigv4.sign(a.method, a.path, a.query, headers, body, a.access_key, a.secret_key, a.region, a.service)
conn = http.client.HTTPConnection(host, timeout=120)
conn.request(a.method, a.path + ("?" + a.query if a.query else ""), body=body or None, headers=signed)
r = conn.getresponse()
data = r.read()
print(json.dumps({"status": r.status, "headers": dict(r.getheaders()), "body": data.decode("utf-8", "replace")}))
