"""AWS Signature Version 4 (header form) for the fake AWS control plane: signing and verification.

Standard library only. `python3 sigv4.py --self-test` checks the canonicalisation against AWS's published
test-suite vector "get-vanilla".
"""
import datetime
import hashlib
import hmac
import re
import sys
from urllib.parse import quote, unquote

ALGORITHM = "AWS4-HMAC-SHA256"
EMPTY_SHA256 = hashlib.sha256(b"").hexdigest()
_SPACES = re.compile(r"\s+")


def uri_encode(text, keep_slash=False):
    """RFC 3986 encoding as SigV4 wants it: everything but A-Z a-z 0-9 - _ . ~ is %XX (upper-case hex)."""
    return quote(text, safe="/~" if keep_slash else "~")


def canonical_uri(raw_path, service):
    """The canonical URI of the path as it was sent (already percent-encoded once).

    Every service but S3 normalises the path and encodes it again (so `%3A` on the wire becomes `%253A`)."""
    path = raw_path or "/"
    if service == "s3":
        return path
    segments = []
    for seg in path.split("/"):
        if seg in ("", "."):
            continue
        if seg == "..":
            if segments:
                segments.pop()
            continue
        segments.append(seg)
    normal = "/" + "/".join(segments)
    if path.endswith("/") and normal != "/":
        normal += "/"
    return uri_encode(normal, keep_slash=True)


def canonical_query(raw_query):
    pairs = []
    if raw_query:
        for part in raw_query.split("&"):
            if not part:
                continue
            key, _, value = part.partition("=")
            # Decode what the client sent ('+' is a literal plus in SigV4), then encode the SigV4 way.
            pairs.append((uri_encode(unquote(key)), uri_encode(unquote(value))))
    pairs.sort()
    return "&".join("%s=%s" % kv for kv in pairs)


def canonical_headers(headers, signed):
    """headers: list of (name, value) as received; signed: the lower-case names to include."""
    values = {}
    for name, value in headers:
        lname = name.lower()
        if lname in signed:
            values.setdefault(lname, []).append(_SPACES.sub(" ", value.strip()))
    missing = [h for h in signed if h not in values]
    text = "".join("%s:%s\n" % (h, ",".join(values.get(h, []))) for h in signed)
    return text, missing


def canonical_request(method, raw_path, raw_query, headers, signed, payload_hash, service):
    heads, missing = canonical_headers(headers, signed)
    text = "\n".join([method.upper(), canonical_uri(raw_path, service), canonical_query(raw_query),
                      heads, ";".join(signed), payload_hash])
    return text, missing


def signing_key(secret, date, region, service):
    key = ("AWS4" + secret).encode()
    for part in (date, region, service, "aws4_request"):
        key = hmac.new(key, part.encode(), hashlib.sha256).digest()
    return key


def string_to_sign(amz_date, scope, canonical):
    return "\n".join([ALGORITHM, amz_date, scope, hashlib.sha256(canonical.encode()).hexdigest()])


def signature(secret, amz_date, region, service, canonical):
    scope = "%s/%s/%s/aws4_request" % (amz_date[:8], region, service)
    sts = string_to_sign(amz_date, scope, canonical)
    return hmac.new(signing_key(secret, amz_date[:8], region, service), sts.encode(), hashlib.sha256).hexdigest()


def sign(method, url_path, query, headers, body, access_key, secret, region, service, amz_date=None,
         session_token=None, content_sha_header=False):
    """Returns the headers to send (a dict), given headers that must already contain 'host'."""
    amz_date = amz_date or datetime.datetime.now(datetime.timezone.utc).strftime("%Y%m%dT%H%M%SZ")
    out = dict(headers)
    out["x-amz-date"] = amz_date
    payload_hash = hashlib.sha256(body or b"").hexdigest()
    if content_sha_header:
        out["x-amz-content-sha256"] = payload_hash
    if session_token:
        out["x-amz-security-token"] = session_token
    signed = sorted(k.lower() for k in out)
    canonical, _ = canonical_request(method, url_path, query, list(out.items()), signed, payload_hash, service)
    sig = signature(secret, amz_date, region, service, canonical)
    out["Authorization"] = "%s Credential=%s/%s/%s/%s/aws4_request, SignedHeaders=%s, Signature=%s" % (
        ALGORITHM, access_key, amz_date[:8], region, service, ";".join(signed), sig)
    return out


class AuthError(Exception):
    """code: the error name the service reports; kind: 'signature', 'token', 'missing', 'incomplete'."""

    def __init__(self, kind, code, message, status=403):
        super().__init__(message)
        self.kind = kind
        self.code = code
        self.message = message
        self.status = status


def parse_authorization(value):
    if not value:
        raise AuthError("missing", "MissingAuthenticationTokenException", "Missing Authentication Token")
    algorithm, _, rest = value.strip().partition(" ")
    if algorithm != ALGORITHM:
        raise AuthError("incomplete", "IncompleteSignatureException",
                        "Unsupported AWS 'algorithm': '%s'" % algorithm, 400)
    fields = {}
    for part in re.split(r"\s*,\s*", rest.strip()):
        k, _, v = part.strip().partition("=")
        fields[k] = v
    for need in ("Credential", "SignedHeaders", "Signature"):
        if not fields.get(need):
            raise AuthError("incomplete", "IncompleteSignatureException",
                            "Authorization header requires '%s' parameter. Authorization=%s" % (need, value), 400)
    scope = fields["Credential"].split("/")
    if len(scope) != 5 or scope[4] != "aws4_request":
        raise AuthError("incomplete", "IncompleteSignatureException",
                        "Credential should be scoped to a valid region and service (%s)." % fields["Credential"], 400)
    return {"access_key": scope[0], "date": scope[1], "region": scope[2], "service": scope[3],
            "signed": fields["SignedHeaders"].split(";"), "signature": fields["Signature"]}


def verify(method, raw_path, raw_query, headers, body, credentials, now=None, max_skew=900):
    """Checks one request. headers: list of (name, value). credentials: {access_key: (secret, session_token|None)}.

    Returns the parsed Authorization (with 'service' and 'region' of the credential scope) or raises AuthError."""
    lookup = {}
    for name, value in headers:
        lookup.setdefault(name.lower(), value)
    auth = parse_authorization(lookup.get("authorization"))
    amz_date = lookup.get("x-amz-date")
    if not amz_date:
        raise AuthError("incomplete", "IncompleteSignatureException",
                        "Authorization header requires existence of either a 'X-Amz-Date' or a 'Date' header.", 400)
    try:
        when = datetime.datetime.strptime(amz_date, "%Y%m%dT%H%M%SZ").replace(tzinfo=datetime.timezone.utc)
    except ValueError:
        raise AuthError("incomplete", "IncompleteSignatureException", "Invalid X-Amz-Date: %s" % amz_date, 400)
    now = now or datetime.datetime.now(datetime.timezone.utc)
    if abs((now - when).total_seconds()) > max_skew:
        earlier = when < now
        raise AuthError("signature", "InvalidSignatureException",
                        "Signature %s: %s is now %s than %s (%s %s 15 min.)" % (
                            "expired" if earlier else "not yet current", amz_date,
                            "earlier" if earlier else "later",
                            (now + datetime.timedelta(seconds=-max_skew if earlier else max_skew)).strftime("%Y%m%dT%H%M%SZ"),
                            now.strftime("%Y%m%dT%H%M%SZ"), "-" if earlier else "+"))
    if auth["date"] != amz_date[:8]:
        raise AuthError("signature", "InvalidSignatureException",
                        "Date in Credential scope does not match YYYYMMDD from ISO-8601 version of date from HTTP: "
                        "'%s' != '%s', from '%s'." % (auth["date"], amz_date[:8], amz_date))
    if "host" not in auth["signed"]:
        raise AuthError("signature", "InvalidSignatureException",
                        "'Host' or ':authority' must be a 'SignedHeader' in the AWS Authorization.")
    if auth["signed"] != sorted(auth["signed"]):
        raise AuthError("signature", "InvalidSignatureException", "SignedHeaders must be sorted: %s" % ";".join(auth["signed"]))
    known = credentials.get(auth["access_key"])
    if known is None:
        raise AuthError("token", "UnrecognizedClientException", "The security token included in the request is invalid.")
    secret, token = known
    sent_token = lookup.get("x-amz-security-token")
    if (token or None) != (sent_token or None):
        raise AuthError("token", "UnrecognizedClientException", "The security token included in the request is invalid.")
    actual = hashlib.sha256(body or b"").hexdigest()
    claimed = lookup.get("x-amz-content-sha256")
    if claimed is not None and claimed != actual:
        raise AuthError("signature", "InvalidSignatureException",
                        "The provided 'x-amz-content-sha256' header does not match what was computed.", 400)
    canonical, missing = canonical_request(method, raw_path, raw_query, headers, auth["signed"], actual, auth["service"])
    expected = signature(secret, amz_date, auth["region"], auth["service"], canonical)
    if missing or not hmac.compare_digest(expected, auth["signature"]):
        raise AuthError("signature", "InvalidSignatureException",
                        "The request signature we calculated does not match the signature you provided. Check your "
                        "AWS Secret Access Key and signing method. Consult the service documentation for details.")
    return auth


def _self_test():
    """AWS SigV4 test suite, get-vanilla."""
    secret = "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY"
    amz_date = "20150830T123600Z"
    headers = [("Host", "example.amazonaws.com"), ("X-Amz-Date", amz_date)]
    canonical, missing = canonical_request("GET", "/", "", headers, ["host", "x-amz-date"], EMPTY_SHA256, "service")
    assert not missing
    sig = signature(secret, amz_date, "us-east-1", "service", canonical)
    want = "5fa00fa31553b73ebf1942676e86291e8372ff2a2260956d9b8aae1d763fbf31"
    if sig != want:
        print("get-vanilla: FAILED, got %s want %s" % (sig, want))
        return 1
    signed = sign("GET", "/", "", {"host": "example.amazonaws.com"}, b"", "AKIDEXAMPLE", secret, "us-east-1",
                  "service", amz_date=amz_date)
    assert signed["Authorization"].endswith("Signature=" + want), signed["Authorization"]
    when = datetime.datetime(2015, 8, 30, 12, 36, tzinfo=datetime.timezone.utc)
    auth = verify("GET", "/", "", list(signed.items()), b"", {"AKIDEXAMPLE": (secret, None)}, now=when)
    assert auth["service"] == "service"
    try:
        verify("GET", "/x", "", list(signed.items()), b"", {"AKIDEXAMPLE": (secret, None)}, now=when)
        raise AssertionError("a tampered path verified")
    except AuthError as exc:
        assert exc.code == "InvalidSignatureException"
    print("get-vanilla: OK %s" % sig)
    return 0


if __name__ == "__main__":
    if "--self-test" in sys.argv:
        sys.exit(_self_test())
    print("usage: sigv4.py --self-test")
    sys.exit(2)
