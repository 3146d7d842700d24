"""RS256 (RSASSA-PKCS1-v1_5 with SHA-256) JWT verification with the standard library only, for the fake OAuth endpoint.

public_key_from_pem(text) -> (n, e) reads a PEM "PUBLIC KEY" (SubjectPublicKeyInfo) or "RSA PUBLIC KEY" (PKCS#1).
verify_jwt(token, (n, e)) -> (header, claims) or raises ValueError naming what is wrong.
"""
import base64
import hashlib
import json

# DER of DigestInfo{ AlgorithmIdentifier{sha256, NULL}, OCTET STRING(32) } (RFC 8017 §9.2, note 1).
SHA256_PREFIX = bytes.fromhex("3031300d060960864801650304020105000420")
RSA_OID = bytes.fromhex("2a864886f70d010101")


def _b64url(text):
    text = text.encode() if isinstance(text, str) else text
    return base64.urlsafe_b64decode(text + b"=" * (-len(text) % 4))


def _der(data, pos):
    """(tag, value bytes, next position) of the DER element at pos."""
    tag = data[pos]
    length = data[pos + 1]
    pos += 2
    if length & 0x80:
        count = length & 0x7F
        length = int.from_bytes(data[pos:pos + count], "big")
        pos += count
    return tag, data[pos:pos + length], pos + length


def _pkcs1(der):
    tag, seq, _ = _der(der, 0)
    if tag != 0x30:
        raise ValueError("RSAPublicKey is not a SEQUENCE")
    t1, n, p = _der(seq, 0)
    t2, e, _ = _der(seq, p)
    if t1 != 0x02 or t2 != 0x02:
        raise ValueError("RSAPublicKey needs two INTEGERs")
    return int.from_bytes(n, "big"), int.from_bytes(e, "big")


def public_key_from_pem(text):
    lines = [l.strip() for l in text.strip().splitlines()]
    kind = lines[0]
    der = base64.b64decode("".join(l for l in lines if l and not l.startswith("-----")))
    if "RSA PUBLIC KEY" in kind:
        return _pkcs1(der)
    tag, spki, _ = _der(der, 0)
    _, algorithm, p = _der(spki, 0)
    _, oid, _ = _der(algorithm, 0)
    if oid != RSA_OID:
        raise ValueError("not an RSA key")
    tag, bits, _ = _der(spki, p)
    if tag != 0x03 or bits[0] != 0:
        raise ValueError("SubjectPublicKeyInfo has no BIT STRING key")
    return _pkcs1(bits[1:])


def verify_jwt(token, key):
    n, e = key
    parts = token.split(".")
    if len(parts) != 3:
        raise ValueError("a JWT has three parts")
    header = json.loads(_b64url(parts[0]))
    claims = json.loads(_b64url(parts[1]))
    if header.get("alg") != "RS256":
        raise ValueError("alg must be RS256, not %r" % header.get("alg"))
    signature = _b64url(parts[2])
    k = (n.bit_length() + 7) // 8
    if len(signature) != k:
        raise ValueError("signature length %d, key length %d" % (len(signature), k))
    em = pow(int.from_bytes(signature, "big"), e, n).to_bytes(k, "big")
    digest = hashlib.sha256((parts[0] + "." + parts[1]).encode()).digest()
    expected = b"\x00\x01" + b"\xff" * (k - 3 - len(SHA256_PREFIX) - len(digest)) + b"\x00" + SHA256_PREFIX + digest
    if em != expected:
        raise ValueError("Invalid JWT Signature.")
    return header, claims
