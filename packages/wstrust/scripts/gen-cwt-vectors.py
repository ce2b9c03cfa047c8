#!/usr/bin/env python3
"""Writes vectors/wstrust/cwt.json: compact web ticket (CWT v1) known answers and invalid cases.

An independent implementation of the format in packages/wstrust/README.md ("Compact web tickets"):
HKDF-SHA256 from hmac/hashlib (RFC 5869 written out), AES-256-GCM from pyca/cryptography. It shares no
code with packages/wstrust/src/internal/cwt.ts. Run: python3 packages/wstrust/scripts/gen-cwt-vectors.py
"""
import base64, hashlib, hmac, json, os, struct, sys
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

SALT = b"ocauth compact web ticket"

def hkdf(ikm, info, n):
    prk = hmac.new(SALT, ikm, hashlib.sha256).digest()
    out, t, i = b"", b"", 1
    while len(out) < n:
        t = hmac.new(prk, t + info + bytes([i]), hashlib.sha256).digest()
        out += t
        i += 1
    return out[:n]

def b64u(b):
    return base64.urlsafe_b64encode(b).rstrip(b"=").decode()

def claims(iat, exp, jti, sip, aud, extra=b""):
    s, a = sip.encode(), aud.encode()
    return struct.pack(">II", iat, exp) + jti + bytes([len(s)]) + s + bytes([len(a)]) + a + extra

def seal(pool, plain, nonce, version=1, kid=None):
    key = hkdf(pool, b"ocauth-cwt-v1 aes-256-gcm", 32)
    kid = kid if kid is not None else hkdf(pool, b"ocauth-cwt-v1 kid", 4)
    aad = bytes([version]) + kid
    return aad + nonce + AESGCM(key).encrypt(nonce, plain, aad)

POOL = bytes(range(0x00, 0x20))
OTHER = bytes(range(0x20, 0x40))
JTI = bytes.fromhex("0f1e2d3c4b5a69788796a5b4c3d2e1f0")
NONCE = bytes.fromhex("a0a1a2a3a4a5a6a7a8a9aaab")
IAT = 1767261600  # 2026-01-01T10:00:00Z
SIP = "sip:alice@contoso.com"
AUD = "https://pool0.contoso.com/"
NOW = "2026-01-01T10:05:00Z"
ACCEPT = ["https://pool0.contoso.com/Autodiscover/AutodiscoverService.svc/root", "https://pool0.contoso.com/CertProv/CertProvisioningService.svc"]

def iso(t):
    import datetime
    return datetime.datetime.fromtimestamp(t, datetime.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")

tests = []
def add(comment, token, result, **kw):
    tests.append({"tcId": len(tests) + 1, "comment": comment, "flags": kw.pop("flags", []), "token": token, "result": result, **kw})

good = seal(POOL, claims(IAT, IAT + 900, JTI, SIP, AUD), NONCE)
add("15-minute ticket (public computer), farm audience", b64u(good), "valid",
    claims={"sipUri": SIP, "audience": AUD, "issuedAt": iso(IAT), "expiresAt": iso(IAT + 900), "idHex": JTI.hex()}, nonceHex=NONCE.hex())
long = seal(POOL, claims(IAT, IAT + 28800, bytes(16), "sip:bob.o'neil@contoso.com", "https://pool0.contoso.com/CertProv/"), bytes(12))
add("8-hour ticket (private computer), service audience, zero id and nonce", b64u(long), "valid",
    claims={"sipUri": "sip:bob.o'neil@contoso.com", "audience": "https://pool0.contoso.com/CertProv/", "issuedAt": iso(IAT), "expiresAt": iso(IAT + 28800), "idHex": "00" * 16}, nonceHex="00" * 12)
uni = seal(POOL, claims(IAT, IAT + 60, JTI, "sip:j\u00fcrgen@m\u00fcnchen.example", AUD), NONCE)
add("non-ASCII SIP URI (UTF-8)", b64u(uni), "valid",
    claims={"sipUri": "sip:j\u00fcrgen@m\u00fcnchen.example", "audience": AUD, "issuedAt": iso(IAT), "expiresAt": iso(IAT + 60), "idHex": JTI.hex()}, nonceHex=NONCE.hex())

def flip(b, i):
    b = bytearray(b); b[i] ^= 1; return bytes(b)

add("version byte 2", b64u(bytes([2]) + good[1:]), "invalid", code="ERR_WSTRUST_TICKET_INVALID", reason="cwt version")
add("version byte altered and re-sealed as version 2", b64u(seal(POOL, claims(IAT, IAT + 900, JTI, SIP, AUD), NONCE, version=2)), "invalid", code="ERR_WSTRUST_TICKET_INVALID", reason="cwt version")
add("minted under another pool key", b64u(seal(OTHER, claims(IAT, IAT + 900, JTI, SIP, AUD), NONCE)), "invalid", code="ERR_WSTRUST_TICKET_OTHER_SERVER", reason="another pool")
add("this pool's key id on another pool's ciphertext", b64u(seal(OTHER, claims(IAT, IAT + 900, JTI, SIP, AUD), NONCE, kid=hkdf(POOL, b"ocauth-cwt-v1 kid", 4))), "invalid", code="ERR_WSTRUST_TICKET_INVALID", reason="does not verify")
add("one ciphertext bit flipped", b64u(flip(good, 30)), "invalid", code="ERR_WSTRUST_TICKET_INVALID", reason="does not verify")
add("one nonce bit flipped", b64u(flip(good, 6)), "invalid", code="ERR_WSTRUST_TICKET_INVALID", reason="does not verify")
add("one tag bit flipped", b64u(flip(good, len(good) - 1)), "invalid", code="ERR_WSTRUST_TICKET_INVALID", reason="does not verify")
add("truncated (tag cut)", b64u(good[:-16]), "invalid", code="ERR_WSTRUST_TICKET_INVALID", reason="does not verify")
add("too short for any ticket", b64u(good[:20]), "invalid", code="ERR_WSTRUST_TICKET_INVALID", reason="at least")
add("standard base64 padding", b64u(good) + "=" * ((4 - len(b64u(good)) % 4) % 4 or 1), "invalid", code="ERR_WSTRUST_TICKET_INVALID", reason="base64url characters")
add("'+' (base64, not base64url)", b64u(good)[:10] + "+" + b64u(good)[11:], "invalid", code="ERR_WSTRUST_TICKET_INVALID", reason="base64url characters")
t = b64u(good)
assert len(t) % 4 in (2, 3)
alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"
last = alphabet[alphabet.index(t[-1]) | 1]
if last != t[-1]:
    add("non-canonical base64url (unused trailing bit set)", t[:-1] + last, "invalid", code="ERR_WSTRUST_TICKET_INVALID", reason="canonical")
add("empty token", "", "invalid", code="ERR_WSTRUST_TICKET_INVALID", reason="empty")
add("authenticated plaintext with a trailing byte", b64u(seal(POOL, claims(IAT, IAT + 900, JTI, SIP, AUD, extra=b"\x00"), NONCE)), "invalid", code="ERR_WSTRUST_TICKET_INVALID", reason="no bytes after")
add("authenticated plaintext with an empty SIP URI", b64u(seal(POOL, struct.pack(">II", IAT, IAT + 900) + JTI + b"\x00" + bytes([len(AUD)]) + AUD.encode(), NONCE)), "invalid", code="ERR_WSTRUST_TICKET_INVALID", reason="length-prefixed")
add("authenticated plaintext, exp before iat", b64u(seal(POOL, claims(IAT + 900, IAT, JTI, SIP, AUD), NONCE)), "invalid", code="ERR_WSTRUST_TICKET_INVALID", reason="exp after iat")
add("authenticated plaintext, invalid UTF-8 in the SIP URI", b64u(seal(POOL, struct.pack(">II", IAT, IAT + 900) + JTI + b"\x05sip:\xff" + bytes([len(AUD)]) + AUD.encode(), NONCE)), "invalid", code="ERR_WSTRUST_TICKET_INVALID", reason="UTF-8")
# Verifier-level rules (lifetime, audience, subject): structurally valid tokens refused by policy.
add("expired (now after exp + skew)", b64u(good), "invalid", code="ERR_WSTRUST_TICKET_EXPIRED", reason="expired", now="2026-01-01T10:25:01Z", flags=["verifier"])
add("not yet valid (iat beyond now + skew)", b64u(good), "invalid", code="ERR_WSTRUST_TICKET_INVALID", reason="cwt iat", now="2026-01-01T09:54:59Z", flags=["verifier"])
add("audience of another farm", b64u(seal(POOL, claims(IAT, IAT + 900, JTI, SIP, "https://pool9.fabrikam.com/"), NONCE)), "invalid", code="ERR_WSTRUST_TICKET_INVALID", reason="cwt audience", flags=["verifier"])
add("lifetime beyond the verifier's maximum (9 h)", b64u(seal(POOL, claims(IAT, IAT + 9 * 3600, JTI, SIP, AUD), NONCE)), "invalid", code="ERR_WSTRUST_TICKET_INVALID", reason="cwt lifetime", flags=["verifier"])
add("subject is not a SIP URI", b64u(seal(POOL, claims(IAT, IAT + 900, JTI, "alice@contoso.com", AUD), NONCE)), "invalid", code="ERR_WSTRUST_TICKET_INVALID", reason="cwt SIP URI", flags=["verifier"])

doc = {
    "algorithm": "ocauth compact web ticket v1: base64url(0x01 || kid || nonce || AES-256-GCM(HKDF-SHA256(poolKey), claims, aad = 0x01 || kid))",
    "source": "packages/wstrust/scripts/gen-cwt-vectors.py (Python hmac/hashlib HKDF, pyca/cryptography AESGCM)",
    "poolKeyHex": POOL.hex(),
    "otherPoolKeyHex": OTHER.hex(),
    "derived": {"kidHex": hkdf(POOL, b"ocauth-cwt-v1 kid", 4).hex(), "keyHex": hkdf(POOL, b"ocauth-cwt-v1 aes-256-gcm", 32).hex()},
    "verifier": {"now": NOW, "skewSeconds": 300, "maxLifetimeSeconds": 28800, "audience": ACCEPT},
    "numberOfTests": len(tests),
    "testGroups": [{"tests": tests}],
}
out = os.path.join(os.path.dirname(__file__), "..", "..", "..", "vectors", "wstrust", "cwt.json")
with open(out, "w") as f:
    json.dump(doc, f, indent=2, ensure_ascii=False)
    f.write("\n")
print(f"wrote {len(tests)} cases to {os.path.normpath(out)}", file=sys.stderr)
