#!/usr/bin/env bash
# The API keeps its own contract: schemathesis generates requests from /api/schema/ and runs
# every check on the answers (no server error, status codes, content types, response bodies
# and headers as documented, valid data accepted, invalid data refused, ...) against a live
# server with the demo data, once as an agent (anna) and once as an administrator (admin).
# Seeded and bounded, so that a run takes a few minutes and finds the same things each time;
# any finding fails it. schemathesis.toml (project root) holds what differs from the defaults.
#
#   scripts/api_contract.sh                  # as in CI
#   CONTRACT_MAX_EXAMPLES=50 CONTRACT_SEED=7 scripts/api_contract.sh   # look further
#
# Uses its own database (dropped and made anew each run) and var directory.
set -euo pipefail
cd "$(dirname "$0")/.."

DB_NAME="klachtwijzer_ci_contract"
PG="${CONTRACT_PG:-postgres://postgres@127.0.0.1:5432}"
MAX_EXAMPLES="${CONTRACT_MAX_EXAMPLES:-10}"
SEED="${CONTRACT_SEED:-1}"
WORKERS="${CONTRACT_WORKERS:-2}"
PASSWORD="demo-klacht-2026"  # the demo users' password (seed_demo)

export DATABASE_URL="$PG/$DB_NAME"
export KLACHTWIJZER_VAR_DIR="$PWD/var/ci-contract"
export CELERY_BROKER_URL="filesystem://"  # tasks queue up in the var directory; no worker runs
export DEBUG=true
# The contract is about the answers, not the rate limits (tests/accounts/test_throttling.py):
# rates schemathesis never reaches, so every operation gets its examples. A 429 is documented.
export THROTTLE_USER_RATE=100000/minute THROTTLE_ANON_RATE=100000/minute THROTTLE_SIGN_IN_RATE=100000/minute
PY=.venv/bin/python

log() { printf '\n==> %s\n' "$*"; }

log "API contract: database $DB_NAME with the demo data"
rm -rf "$KLACHTWIJZER_VAR_DIR"
mkdir -p "$KLACHTWIJZER_VAR_DIR"
PGOPTIONS="--client-min-messages=warning" psql "$PG/postgres" -v ON_ERROR_STOP=1 -qc "DROP DATABASE IF EXISTS $DB_NAME WITH (FORCE);"
psql "$PG/postgres" -v ON_ERROR_STOP=1 -qc "CREATE DATABASE $DB_NAME;"
$PY manage.py migrate --no-input -v 0
$PY manage.py seed_demo >/dev/null

PORT="$($PY -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')"
BASE="http://127.0.0.1:$PORT"
SERVER_LOG="$KLACHTWIJZER_VAR_DIR/server.log"

log "API contract: server on $BASE"
.venv/bin/gunicorn config.wsgi --bind "127.0.0.1:$PORT" --workers 2 --timeout 60 \
  --access-logfile - >"$SERVER_LOG" 2>&1 &
SERVER_PID=$!
stop_server() {
  kill "$SERVER_PID" 2>/dev/null || true
  wait "$SERVER_PID" 2>/dev/null || true
}
trap stop_server EXIT

for _ in $(seq 1 60); do
  curl -fsS -o /dev/null "$BASE/api/schema/" 2>/dev/null && break
  kill -0 "$SERVER_PID" 2>/dev/null || { cat "$SERVER_LOG" >&2; echo "the server stopped" >&2; exit 1; }
  sleep 1
done
curl -fsS -o /dev/null "$BASE/api/schema/" || { tail -n 50 "$SERVER_LOG" >&2; exit 1; }

token() {  # token USERNAME: the user's API token
  curl -fsS -X POST "$BASE/api/auth/token/" \
    --data-urlencode "username=$1" --data-urlencode "password=$PASSWORD" \
    | $PY -c 'import json, sys; print(json.load(sys.stdin)["token"])'
}
AGENT_TOKEN="$(token anna)"
ADMIN_TOKEN="$(token admin)"

# Revoking a token is left out: a generated id may be the run's own token (1 or 2 here), and
# every request after it would be a 401. tests/accounts/test_tokens.py covers it.
status=0
for role in agent admin; do
  if [ "$role" = agent ]; then key="$AGENT_TOKEN"; else key="$ADMIN_TOKEN"; fi
  log "API contract: schemathesis as $role (all checks, $MAX_EXAMPLES examples, seed $SEED)"
  .venv/bin/st run "$BASE/api/schema/" \
    --checks all --max-examples "$MAX_EXAMPLES" --seed "$SEED" --workers "$WORKERS" \
    --header "Authorization: Token $key" --output-sanitize true \
    --exclude-operation-id auth_tokens_destroy \
    || status=1
done
if [ "$status" -ne 0 ]; then
  echo "schemathesis found something; the server's log: $SERVER_LOG" >&2
fi
exit "$status"
