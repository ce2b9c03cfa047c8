#!/usr/bin/env python3
"""Replay @ocauth/vectors from the JSON Schemas alone, in a second language (Python 3 standard library only).

    python3 test.py [PACKAGE_DIR]      (default: the directory of this file)

For every file listed in index.json:
  * validates it against its schema (schemas/*.schema.json; a small JSON Schema subset is implemented below:
    $ref, allOf, type, required, properties, additionalProperties, unevaluatedProperties, items, minItems,
    enum, const, pattern, minLength, minimum), checks that every flag used is explained in `notes` and
    that every invalid or acceptable case states its reason (`comment`);
  * replays what the schema's description defines and the standard library can compute:
      p-hash             P_hash / P_SHA1 (hmac + hashlib), every valid case;
      computed-key       the WS-Trust key-size rule and P_SHA1, every valid case;
      tls-dsk-key-block  the TLS 1.0/1.1 (P_MD5 xor P_SHA1) and TLS 1.2 PRF, the key block and the two
                         signing keys, every case;
      c14n               exclusive/inclusive C14N itself is NOT reimplemented here (the standard library
                         has C14N 2.0 only). Instead: every input/expected file exists; every expected
                         output has the canonical form's invariants (UTF-8, no CR, no XML declaration, no
                         DOCTYPE, no empty-element tag, attribute values in double quotes); and where the
                         input is an XMLDSig signature, the published outputs are checked against the
                         signature's own digests: each Reference output hashes to one of the input's
                         DigestValues, and each canonical SignedInfo carries the input's DigestValues.
    Invalid cases of p-hash / computed-key are refusals of out-of-domain inputs: they are counted as
    documented (schema-valid, reason stated), not computed. The other kinds (ws-security-hmac, certprov,
    authbroker parsing, diagnostics) are schema-checked only.
Prints one line per file, then `OK …` or `FAIL …`; exit status 0 only if nothing failed.
"""
import base64
import hashlib
import hmac
import json
import os
import re
import sys
import xml.etree.ElementTree as ET

ROOT = os.path.abspath(sys.argv[1] if len(sys.argv) > 1 else os.path.dirname(os.path.abspath(__file__)))
failures = []


def fail(msg):
    failures.append(msg)
    print("FAIL " + msg)


# ---------------------------------------------------------------- JSON Schema (subset)
_schemas = {}


def load_schema(name):
    if name not in _schemas:
        with open(os.path.join(ROOT, "schemas", name), encoding="utf-8") as f:
            _schemas[name] = json.load(f)
    return _schemas[name]


def resolve(ref, base):
    file, _, pointer = ref.partition("#")
    doc = load_schema(file) if file else load_schema(base)
    node = doc
    for part in [p for p in pointer.split("/") if p]:
        node = node[part]
    return node, (file or base)


TYPES = {
    "object": lambda v: isinstance(v, dict),
    "array": lambda v: isinstance(v, list),
    "string": lambda v: isinstance(v, str),
    "integer": lambda v: isinstance(v, int) and not isinstance(v, bool),
    "number": lambda v: isinstance(v, (int, float)) and not isinstance(v, bool),
    "boolean": lambda v: isinstance(v, bool),
    "null": lambda v: v is None,
}


def validate(v, s, base, path, errs):
    if s is True or s == {}:
        return
    if s is False:
        errs.append(f"{path}: not allowed")
        return
    if "$ref" in s:
        target, b = resolve(s["$ref"], base)
        validate(v, target, b, path, errs)
    for sub in s.get("allOf", []):
        validate(v, sub, base, path, errs)
    t = s.get("type")
    if t is not None:
        ts = t if isinstance(t, list) else [t]
        if not any(TYPES[x](v) for x in ts):
            errs.append(f"{path}: expected {t}, received {type(v).__name__}")
            return
    if "const" in s and v != s["const"]:
        errs.append(f"{path}: expected {s['const']!r}, received {v!r}")
    if "enum" in s and v not in s["enum"]:
        errs.append(f"{path}: expected one of {s['enum']}, received {v!r}")
    if isinstance(v, str):
        if "pattern" in s and not re.search(s["pattern"], v):
            errs.append(f"{path}: does not match {s['pattern']}")
        if len(v) < s.get("minLength", 0):
            errs.append(f"{path}: shorter than {s['minLength']}")
    if isinstance(v, (int, float)) and not isinstance(v, bool) and "minimum" in s and v < s["minimum"]:
        errs.append(f"{path}: below {s['minimum']}")
    if isinstance(v, list):
        if len(v) < s.get("minItems", 0):
            errs.append(f"{path}: fewer than {s['minItems']} items")
        if "items" in s:
            for i, x in enumerate(v):
                validate(x, s["items"], base, f"{path}[{i}]", errs)
    if isinstance(v, dict):
        for k in s.get("required", []):
            if k not in v:
                errs.append(f"{path}: missing required {k}")
        props = s.get("properties", {})
        for k, x in v.items():
            if k in props:
                validate(x, props[k], base, f"{path}.{k}", errs)
            else:
                # unevaluatedProperties is applied to the properties this schema lists (the schemas list every
                # evaluated property locally, so this equals the 2020-12 meaning for them)
                extra = s.get("additionalProperties", s.get("unevaluatedProperties", True))
                validate(x, extra, base, f"{path}.{k}", errs)


# ---------------------------------------------------------------- P_hash, PRFs
def p_hash(name, secret, seed, n):
    out, a = b"", seed
    while len(out) < n:
        a = hmac.new(secret, a, name).digest()
        out += hmac.new(secret, a + seed, name).digest()
    return out[:n]


def tls10_prf(secret, label, seed, n):
    half = (len(secret) + 1) // 2
    s1, s2 = secret[:half], secret[len(secret) - half:]
    md5 = p_hash("md5", s1, label + seed, n)
    sha = p_hash("sha1", s2, label + seed, n)
    return bytes(x ^ y for x, y in zip(md5, sha))


def h(x):
    return bytes.fromhex(x or "")


def replay_p_hash(j, rel):
    done = refusals = 0
    for g in j["testGroups"]:
        for t in g["tests"]:
            if t["result"] == "valid":
                got = p_hash(g["hash"], h(t["secretHex"]), h(t["seedHex"]), t["length"]).hex()
                if got != t["outputHex"]:
                    fail(f"{rel} tcId {t['tcId']}: P_{g['hash'].upper()} gives {got[:32]}…, the file says {t['outputHex'][:32]}…")
                done += 1
            else:
                refusals += 1
    return f"{done} valid cases replayed (P_hash), {refusals} refusals documented"


def replay_computed_key(j, rel):
    done = refusals = 0
    for g in j["testGroups"]:
        for t in g["tests"]:
            if t["result"] != "valid":
                refusals += 1
                continue
            rule = t.get("keySizeBits") or t.get("requestKeySizeBits") or 256
            if "expectedKeySizeBits" in t and t["expectedKeySizeBits"] != rule:
                fail(f"{rel} tcId {t['tcId']}: key-size rule gives {rule} bits, the file says {t['expectedKeySizeBits']}")
            n = t["length"] if "length" in t else rule // 8
            got = p_hash("sha1", h(t["requestorEntropyHex"]), h(t["issuerEntropyHex"]), n).hex()
            if got != t["keyHex"]:
                fail(f"{rel} tcId {t['tcId']}: P_SHA1 key {got[:32]}…, the file says {t['keyHex'][:32]}…")
            done += 1
    return f"{done} valid cases replayed (key-size rule + P_SHA1), {refusals} refusals documented"


def replay_key_block(j, rel):
    done = 0
    label = b"client EAP encryption"
    for g in j["testGroups"]:
        for t in g["tests"]:
            ms, seed = h(t["masterSecret"]), h(t["clientRandom"]) + h(t["serverRandom"])
            n = len(h(t["keyBlock"]))
            if t["version"] in ("TLSv1", "TLSv1.1"):
                kb = tls10_prf(ms, label, seed, n)
            else:
                kb = p_hash(t.get("prfHash", "sha256"), ms, label + seed, n)
            ok = kb.hex() == t["keyBlock"] and kb[64:96].hex() == t["clientSigningKey"] and kb[96:128].hex() == t["serverSigningKey"]
            if ok != (t["result"] == "valid"):
                fail(f"{rel} tcId {t['tcId']}: {t['version']} key block {kb.hex()[:32]}…, the file says {t['keyBlock'][:32]}…")
            done += 1
    return f"{done} cases replayed (TLS PRF key block, signing keys)"


# ---------------------------------------------------------------- C14N: files, canonical-form invariants, digests
DSIG = "{http://www.w3.org/2000/09/xmldsig#}"
DIGESTS = {
    "http://www.w3.org/2001/04/xmldsig-more#md5": "md5",
    "http://www.w3.org/2000/09/xmldsig#sha1": "sha1",
    "http://www.w3.org/2001/04/xmlenc#sha256": "sha256",
    "http://www.w3.org/2001/04/xmldsig-more#sha384": "sha384",
    "http://www.w3.org/2001/04/xmlenc#sha512": "sha512",
}


def references(path):
    """(DigestMethod algorithm, DigestValue bytes) of every ds:Reference of an XMLDSig document, in order."""
    try:
        tree = ET.parse(path)
    except ET.ParseError:
        return []
    out = []
    for ref in tree.iter(DSIG + "Reference"):
        m, d = ref.find(DSIG + "DigestMethod"), ref.find(DSIG + "DigestValue")
        if m is not None and d is not None and d.text:
            out.append((m.get("Algorithm"), base64.b64decode("".join(d.text.split()))))
    return out


def canonical_problems(data):
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        return "not UTF-8"
    if "\r" in text:
        return "contains CR (C14N normalizes line breaks to LF)"
    if text.startswith("<?xml "):
        return "has an XML declaration"
    if "<!DOCTYPE" in text:
        return "has a DOCTYPE"
    # tags only (comments, PIs and text removed): no empty-element tag, attribute values in double quotes
    tags = re.sub(r"<!--.*?-->|<\?.*?\?>|>[^<]*<", "><", text, flags=re.S)
    if re.search(r"<[A-Za-z_][^<>]*/>", tags):
        return "has an empty-element tag (C14N writes start and end tags)"
    if re.search(r"<[A-Za-z_][^<>]*\s[\w:.-]+='", tags):
        return "has a single-quoted attribute value"
    return None


def replay_c14n(j, rel):
    base = os.path.dirname(os.path.join(ROOT, rel))
    files = checked = digests = 0
    for g in j["testGroups"]:
        for t in g["tests"]:
            for key in ("input", "derivedInput", "expected"):
                if key in t and not os.path.isfile(os.path.join(base, t[key])):
                    fail(f"{rel} tcId {t['tcId']}: {key} {t[key]} missing")
                files += key in t
            if t["result"] != "valid" or "expected" not in t:
                continue
            with open(os.path.join(base, t["expected"]), "rb") as f:
                out = f.read()
            problem = canonical_problems(out)
            if problem:
                fail(f"{rel} tcId {t['tcId']}: expected output {t['expected']} {problem}")
            checked += 1
            refs = references(os.path.join(base, t["input"]))
            if not refs:
                continue
            root = re.match(rb"\s*<([\w:.-]+)", out)
            if root and root.group(1).split(b":")[-1] == b"SignedInfo":
                inner = references_from_bytes(out)
                if inner != refs:
                    fail(f"{rel} tcId {t['tcId']}: canonical SignedInfo {t['expected']} carries other DigestValues than {t['input']}")
            else:
                hashes = {alg: base64.b64encode(hashlib.new(DIGESTS[alg], out).digest()) for alg, _ in refs if alg in DIGESTS}
                if not any(base64.b64encode(v) == hashes.get(alg) for alg, v in refs):
                    fail(f"{rel} tcId {t['tcId']}: {t['expected']} hashes to no DigestValue of {t['input']}")
            digests += 1
    return f"{files} referenced files present, {checked} outputs in canonical form, {digests} checked against the signature's digests"


def references_from_bytes(data):
    try:
        root = ET.fromstring(data)
    except ET.ParseError:
        return None
    out = []
    for ref in root.iter(DSIG + "Reference"):
        m, d = ref.find(DSIG + "DigestMethod"), ref.find(DSIG + "DigestValue")
        if m is not None and d is not None and d.text:
            out.append((m.get("Algorithm"), base64.b64decode("".join(d.text.split()))))
    return out


REPLAY = {
    "p-hash.schema.json": replay_p_hash,
    "computed-key.schema.json": replay_computed_key,
    "tls-dsk-key-block.schema.json": replay_key_block,
    "c14n.schema.json": replay_c14n,
}


def main():
    with open(os.path.join(ROOT, "index.json"), encoding="utf-8") as f:
        index = json.load(f)
    tests = replayed_files = 0
    for entry in index["files"]:
        rel = entry["path"]
        with open(os.path.join(ROOT, rel), encoding="utf-8") as f:
            j = json.load(f)
        name = j.get("schema", "")
        if "schemas/" + name != entry["schema"]:
            fail(f"{rel}: schema {name!r} differs from index.json's {entry['schema']!r}")
            continue
        errs = []
        validate(j, load_schema(name), name, rel, errs)
        for e in errs[:5]:
            fail(f"schema: {e}")
        for g in j["testGroups"]:
            for t in g["tests"]:
                tests += 1
                for fl in t.get("flags", []):
                    if not isinstance(j["notes"].get(fl), str):
                        fail(f"{rel} tcId {t['tcId']}: flag {fl} is not explained in notes")
        before = len(failures)
        summary = REPLAY[name](j, rel) if name in REPLAY else "schema only"
        replayed_files += name in REPLAY
        if len(failures) == before and not errs:
            print(f"ok   {rel}: schema {name}, {summary}")
    if failures:
        print(f"FAIL {len(failures)} problem(s) in {len(index['files'])} files")
        return 1
    print(f"OK {len(index['files'])} files ({tests} tests) valid against their schemas; {replayed_files} replayed in Python")
    return 0


if __name__ == "__main__":
    sys.exit(main())
