# mlci key generate, sign and verify-signature: keys on disk, signatures in
# the store, referrers through push and pull, and OpenSSL's own tools as an
# independent check of keys and signatures.
source "$(dirname "$0")/lib.sh"

# Help works outside a store.
expect_exit 0 mlci sign --help
expect_in out "--key"
expect_exit 0 mlci verify-signature --help
expect_exit 0 mlci key generate --help
expect_in out "--force"
expect_exit 0 mlci help key
expect_exit 2 mlci key

mlci init >/dev/null
mkdir -p data/a data/b keys
printf 'x,y\n1,2\n3,4\n' >data/a/t.csv
printf 'other\n' >data/b/u.txt
expect_exit 0 mlci data-version add data/a --name a
expect_exit 0 mlci data-version add data/b --name b
a_digest=$(python3 -c 'import json; print([m["digest"] for m in json.load(open(".mlci/index.json"))["manifests"] if m.get("annotations",{}).get("org.opencontainers.image.ref.name")=="a:v1"][0])')

# --- key generate
unset MLCI_SIGNING_KEY_PASSWORD
expect_exit 0 mlci key generate --out keys/release
expect_eq "$(cat out)" "keys/release.pub" "key generate prints the public key file"
expect_in err "key id sha256:"
expect_eq "$(stat -c %a keys/release.key)" 600 "private key mode"
head -1 keys/release.key | grep -qx -- '-----BEGIN PRIVATE KEY-----' || fail "not PKCS#8 PEM"
head -1 keys/release.pub | grep -qx -- '-----BEGIN PUBLIC KEY-----' || fail "not SPKI PEM"
openssl pkey -in keys/release.key -noout || fail "openssl rejects the private key"
openssl pkey -pubin -in keys/release.pub -noout || fail "openssl rejects the public key"
openssl pkey -in keys/release.key -text_pub -noout >"$SCRATCH/words.out"; grep -q ED25519 "$SCRATCH/words.out" || fail "not an Ed25519 key"
# The public key file is the public half of the private key.
diff <(openssl pkey -in keys/release.key -pubout) keys/release.pub || fail "public key mismatch"
keyid="sha256:$(openssl pkey -pubin -in keys/release.pub -outform DER | sha256sum | cut -d' ' -f1)"
expect_exit 0 mlci --json key generate --out keys/other
python3 -c 'import json,sys; d=json.load(open("out")); assert d["public_key"]=="keys/other.pub" and d["keyid"].startswith("sha256:") and d["encrypted"] is False, d' || fail "key generate --json"

# Never replaced without --force; 0600 even with a permissive umask.
before=$(sha256sum keys/release.key)
expect_exit 2 mlci key generate --out keys/release
expect_in err "'keys/release.key' exists (pass --force"
expect_eq "$(sha256sum keys/release.key)" "$before" "key kept"
(umask 000 && "$MLCI" key generate --out keys/loose >/dev/null 2>&1) || fail "generate with umask 000"
expect_eq "$(stat -c %a keys/loose.key)" 600 "private key mode under umask 000"
expect_exit 0 mlci key generate --out keys/loose --force
expect_eq "$(stat -c %a keys/loose.key)" 600 "private key mode after --force"
expect_exit 3 mlci key generate --out no-such-dir/k
[[ -z $(find . keys -maxdepth 1 -name '*.tmp-*') ]] || fail "temporary files left behind"

# --- sign and verify
expect_exit 0 mlci sign a:v1 --key keys/release.key --signer ci@example
sig=$(cat out)
[[ $sig =~ ^sha256:[0-9a-f]{64}$ ]] || fail "sign printed '$sig'"
expect_in err "$keyid"
expect_exit 0 mlci verify-signature a:v1 --key keys/release.pub
expect_eq "$(cat out)" "a:v1" "verify-signature prints the reference"
expect_in err "ci@example"
expect_exit 0 mlci verify-signature "$a_digest" --key keys/release.pub
expect_exit 0 mlci --json verify-signature a:v1 --key keys/release.pub
python3 -c 'import json,sys; d=json.load(open("out")); assert d["valid"] is True and d["keyid"]==sys.argv[1] and d["signatures"][0]["digest"]==sys.argv[2], d' "$keyid" "$sig" || fail "verify-signature --json"
expect_exit 0 mlci verify

# Another key, and an unsigned artifact: a failed gate, saying why.
expect_exit 1 mlci verify-signature a:v1 --key keys/other.pub
expect_in err "signed by another key"
expect_eq "$(cat out)" "" "nothing on stdout when the gate fails"
expect_exit 1 mlci verify-signature b:v1 --key keys/release.pub
expect_in err "'b:v1' has no signatures"
expect_exit 1 mlci --json verify-signature b:v1 --key keys/release.pub
python3 -c 'import json; d=json.load(open("out")); assert d["valid"] is False and "no signatures" in d["reason"], d' || fail "failed gate --json"

# Unreadable or malformed keys, unknown references: usage errors.
echo "not a key" >junk.pub
expect_exit 2 mlci verify-signature a:v1 --key junk.pub
expect_in err "'junk.pub' is not a PEM public key"
expect_exit 2 mlci verify-signature a:v1 --key missing.pub
expect_in err "cannot open public key 'missing.pub'"
expect_exit 2 mlci verify-signature a:v1 --key keys/release.key
expect_exit 2 mlci sign a:v1 --key keys/release.pub
expect_in err "is not a PEM private key"
expect_exit 2 mlci sign a:v1 --key missing.key
expect_exit 2 mlci sign nope:v9 --key keys/release.key
expect_exit 2 mlci verify-signature nope:v9 --key keys/release.pub
expect_exit 2 mlci sign a:v1

# A pipeline: the reference from standard input.
echo b:v1 | mlci sign - --key keys/other.key >/dev/null 2>&1 || fail "sign -"
echo b:v1 | mlci verify-signature - --key keys/other.pub >out 2>err || fail "verify-signature -"

# --- OpenSSL verifies the signature over the DSSE PAE bytes, independently.
python3 - "$sig" <<'PY'
import base64, json, sys
def blob(d): return open(f".mlci/blobs/sha256/{d.split(':')[1]}", "rb").read()
m = json.loads(blob(sys.argv[1]))
assert m["artifactType"] == "application/vnd.dev.mlci.signature.v1+json", m
assert m["config"]["mediaType"] == "application/vnd.oci.empty.v1+json", m
assert m["layers"][0]["mediaType"] == "application/vnd.dsse.envelope.v1+json", m
env = json.loads(blob(m["layers"][0]["digest"]))
payload = base64.b64decode(env["payload"])
st = json.loads(payload)
assert st["_type"] == "https://in-toto.io/Statement/v1", st
assert st["subject"][0]["name"] == "a:v1", st
assert "sha256:" + st["subject"][0]["digest"]["sha256"] == m["subject"]["digest"], st
assert st["predicate"]["signer"] == "ci@example", st
t = env["payloadType"].encode()
pae = b"DSSEv1 %d %s %d %s" % (len(t), t, len(payload), payload)
open("pae.bin", "wb").write(pae)
open("sig.bin", "wb").write(base64.b64decode(env["signatures"][0]["sig"]))
open("keyid", "w").write(env["signatures"][0]["keyid"])
open("layer", "w").write(m["layers"][0]["digest"])
PY
expect_eq "$(cat keyid)" "$keyid" "envelope keyid"
openssl pkeyutl -verify -pubin -inkey keys/release.pub -rawin -in pae.bin -sigfile sig.bin >/dev/null ||
    fail "openssl does not verify the signature"
printf 'x' >>pae.bin
if openssl pkeyutl -verify -pubin -inkey keys/release.pub -rawin -in pae.bin -sigfile sig.bin >/dev/null 2>&1; then
    fail "openssl verifies altered bytes"
fi

# --- the same envelope copied onto another artifact does not verify for it.
python3 - "$(cat layer)" <<'PY'
import hashlib, json, os, sys
layer = sys.argv[1]
idx = json.load(open(".mlci/index.json"))
b = [m for m in idx["manifests"] if m.get("annotations", {}).get("org.opencontainers.image.ref.name") == "b:v1"][0]
def put(data):
    d = hashlib.sha256(data).hexdigest()
    open(f".mlci/blobs/sha256/{d}", "wb").write(data)
    return "sha256:" + d
m = {"schemaVersion": 2, "mediaType": "application/vnd.oci.image.manifest.v1+json",
     "artifactType": "application/vnd.dev.mlci.signature.v1+json",
     "config": {"mediaType": "application/vnd.oci.empty.v1+json", "digest": put(b"{}"), "size": 2},
     "layers": [{"mediaType": "application/vnd.dsse.envelope.v1+json", "digest": layer,
                 "size": os.path.getsize(f".mlci/blobs/sha256/{layer[7:]}")}],
     "subject": {"mediaType": b["mediaType"], "digest": b["digest"], "size": b["size"]}}
data = json.dumps(m, separators=(",", ":")).encode()
idx["manifests"].append({"mediaType": m["mediaType"], "digest": put(data), "size": len(data),
                         "artifactType": m["artifactType"]})
json.dump(idx, open(".mlci/index.json", "w"))
PY
expect_exit 1 mlci verify-signature b:v1 --key keys/release.pub
expect_in err "a signature of another artifact"
expect_exit 0 mlci verify

# --- push to an oci: layout, pull into a second store: still verifiable.
expect_exit 0 mlci push a:v1 "oci:$SCRATCH/layout"
expect_in "$SCRATCH/layout/index.json" "$sig"
expect_exit 0 mlci --store second init
expect_exit 0 mlci --store second pull "oci:$SCRATCH/layout:a:v1"
expect_eq "$(cat out)" "a:v1" "pulled"
expect_in second/index.json "$sig"
expect_exit 0 mlci --store second verify
expect_exit 0 mlci --store second verify-signature a:v1 --key keys/release.pub
expect_exit 1 mlci --store second verify-signature a:v1 --key keys/other.pub

# --- an encrypted private key
export MLCI_SIGNING_KEY_PASSWORD='s3cret passphrase'
expect_exit 0 mlci key generate --out keys/enc
expect_not_in out "s3cret"
expect_not_in err "s3cret"
head -1 keys/enc.key | grep -qx -- '-----BEGIN ENCRYPTED PRIVATE KEY-----' || fail "not encrypted"
openssl pkey -in keys/enc.key -passin env:MLCI_SIGNING_KEY_PASSWORD -noout || fail "openssl cannot decrypt"
if openssl pkey -in keys/enc.key -passin pass:wrong -noout 2>/dev/null; then fail "openssl decrypts with a wrong passphrase"; fi
expect_exit 0 mlci sign a:v1 --key keys/enc.key
expect_exit 0 mlci verify-signature a:v1 --key keys/enc.pub
MLCI_SIGNING_KEY_PASSWORD=wrong expect_exit 2 mlci sign a:v1 --key keys/enc.key
expect_in err "wrong passphrase"
unset MLCI_SIGNING_KEY_PASSWORD
expect_exit 2 mlci sign a:v1 --key keys/enc.key
expect_in err "is encrypted (set MLCI_SIGNING_KEY_PASSWORD"

# The private keys are in no store or layout.
for k in keys/release.key keys/other.key; do
    secret=$(sed -n 2p "$k")
    if grep -rqF -- "$secret" .mlci second layout; then fail "private key $k is in a store"; fi
done
pass
