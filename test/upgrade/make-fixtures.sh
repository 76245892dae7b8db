#!/usr/bin/env bash
# Makes the upgrade fixtures with a previous release's own CLI (see README.md here).
#
#   git worktree add /tmp/release-e0a19b8 e0a19b8
#   (cd /tmp/release-e0a19b8 && npx --yes pnpm@10.34.9 install --frozen-lockfile --offline)
#   test/upgrade/make-fixtures.sh /tmp/release-e0a19b8 test/upgrade/release-e0a19b8
#   git worktree remove --force /tmp/release-e0a19b8
#
# The release runs from its sources (`--conditions=@sanad/source` with tsx, as its own tests
# and `pnpm bench` ran it), so nothing needs building. Every secret here is a fixed test value.
set -euo pipefail

release=$(cd "$1" && pwd)
out=$(mkdir -p "$2" && cd "$2" && pwd)
rm -rf "${out:?}"/*
work=$(mktemp -d)
trap 'kill $(jobs -p) 2>/dev/null || true; rm -rf "$work"' EXIT

export SANAD_WALLET_PASSPHRASE='upgrade fixture passphrase'
export SANAD_OPERATOR_TOKEN='upgrade-fixture-operator-token-0123456789'
sanad() { (cd "$release" && exec node --conditions=@sanad/source --import tsx packages/cli/src/bin.ts "$@"); }

cd "$out"
git -C "$release" rev-parse HEAD > release-commit.txt

# The issuer folder: key, register, two SD-JWT VC batches and one VC-JWT; one batch revoked.
sanad issuer init --dir "$out/issuer" --status-base-url https://agency.example/status --json > "$work/init.json"
printf '%s\n' '{"given_name":"Amal","family_name":"Haddad","birthdate":"1990-04-12","nationality":"SYR","case_number":"UP-0001","age_over_18":true}' > "$work/amal.json"
printf '%s\n' '{"given_name":"Bassam","family_name":"Haddad","birthdate":"1988-01-30","nationality":"SYR","case_number":"UP-0002","age_over_18":true}' > "$work/bassam.json"

# The holder's wallet, with a fresh key per copy; each credential is presented once by that
# release's wallet, right after its import (so the request matches only it).
sanad wallet init --wallet "$out/wallet.json" --json > /dev/null
mkdir -p bundles presentations
issue() { # name claims format copies
  sanad wallet keys --wallet "$out/wallet.json" --count "$4" --out "$work/$1.keys.json" --json > /dev/null
  sanad issuer issue --dir "$out/issuer" --type refugee-status --claims "$work/$2.json" --holder-keys "$work/$1.keys.json" --format "$3" --out "$out/bundles/$1.json" --json > "$out/bundles/$1.issued.json"
  sanad wallet import "$out/bundles/$1.json" --wallet "$out/wallet.json" --json > /dev/null
}
present() { # name format type
  sanad verifier request --client-id https://clinic.example --name 'Upgrade test clinic' --type "$3" --claim age_over_18 --purpose 'Adult check' --format "$2" --ttl 86400 --out "$out/presentations/$1.request.json" --json > /dev/null
  sanad wallet present --wallet "$out/wallet.json" --request "$out/presentations/$1.request.json" --out "$out/presentations/$1.json" --yes --json > /dev/null
}
batch_of() { node -p "JSON.parse(require('fs').readFileSync('$out/bundles/$1.issued.json','utf8')).batchId"; }
issue bassam-revoked bassam dc+sd-jwt 1
present bassam-revoked dc+sd-jwt https://sanad.example/credentials/refugee-status
issue amal-vc-jwt amal jwt_vc_json 1
present amal-vc-jwt jwt_vc_json RefugeeStatusCredential
issue amal-sd-jwt amal dc+sd-jwt 2
sanad issuer revoke --dir "$out/issuer" "$(batch_of bassam-revoked)" --json > /dev/null
sanad issuer status-list --dir "$out/issuer" --out "$out/status" --json > /dev/null
sanad issuer list --dir "$out/issuer" --json > issuer-list.json
sanad wallet list --wallet "$out/wallet.json" --json > wallet-list.json

# A verifier's trust list naming the issuer.
issuer_id=$(node -p "JSON.parse(require('fs').readFileSync('$work/init.json','utf8')).issuer")
sanad trust-list add --file "$out/trust.json" --issuer "$issuer_id" --type https://sanad.example/credentials/refugee-status --type RefugeeStatusCredential --name 'Upgrade test agency' --json > /dev/null

# The services' SQLite stores: an open verifier session, and an issuer offer with its PIN.
serve() { # port args...
  local port=$1; shift
  # node itself in the background, so that $! is the service and stop() reaches it.
  (cd "$release" && exec node --conditions=@sanad/source --import tsx packages/cli/src/bin.ts "$@" --port "$port" --base-url "http://127.0.0.1:$port" --allow-http --json > "$work/serve-$port.log" 2>&1) &
  service=$!
  for _ in $(seq 120); do curl -sf "http://127.0.0.1:$port/healthz" > /dev/null && return; sleep 0.5; done
  cat "$work/serve-$port.log" >&2; exit 1
}
stop() { kill -TERM "$service"; wait "$service" || true; }
operator() { curl -sf -H "Authorization: Bearer $SANAD_OPERATOR_TOKEN" -H 'Content-Type: application/json' "$@"; }
mkdir -p verifier
serve 18931 verifier serve --name 'Upgrade test clinic' --trust "$out/trust.json" --key "$out/verifier/verifier-key.jwk.json" --data "$out/verifier"
operator -d '{"preset":"registered-refugee"}' http://127.0.0.1:18931/operator/sessions > verifier/session.json
stop
serve 18932 issuer serve --dir "$out/issuer"
operator -d "{\"type\":\"refugee-status\",\"claims\":$(cat "$work/amal.json")}" http://127.0.0.1:18932/operator/offers > issuer-offer.json
stop
# The release's services leave their last writes in the WAL; fold them into the files so that
# each store is one file (the same content a restart would read).
for db in "$out"/verifier/verifier.sqlite "$out"/issuer/service.sqlite; do
  (cd "$release" && node -e "const d = new (require('better-sqlite3'))(process.argv[1]); d.pragma('wal_checkpoint(TRUNCATE)'); d.close()" "$db")
done
