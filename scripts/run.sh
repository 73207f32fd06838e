#!/usr/bin/env bash
# `make run`: local PostgreSQL and Redis (unless DATABASE_URL / REDIS_URL are set),
# migrations, idempotent demo data, then `saldo all` in the foreground.
# On Ctrl-C or exit it stops the services that this run started (not ones that
# were already running, e.g. left by `make test`).
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
SERVICES="$ROOT/scripts/services.sh"
SALDO="${SALDO_BIN:-$ROOT/.bin/saldo}"

# Which services are ours to stop afterwards: those that are stopped now.
started=()
status=$("$SERVICES" status)
grep -q '^postgres: stopped' <<<"$status" && started+=(postgres)
grep -q '^redis: stopped' <<<"$status" && started+=(redis)

pid=""
sim_pid=""
# shellcheck disable=SC2317 # invoked by the EXIT trap
cleanup() {
	local rc=$?
	trap - EXIT INT TERM HUP
	for p in "$pid" "$sim_pid"; do
		if [[ -n $p ]] && kill -0 "$p" 2>/dev/null; then
			kill -TERM "$p" 2>/dev/null || true
			wait "$p" 2>/dev/null || true
		fi
	done
	if ((${#started[@]} > 0)); then
		"$SERVICES" stop "${started[@]}" || true
	fi
	exit "$rc"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM
trap 'exit 129' HUP

"$SERVICES" start
services_env=$("$SERVICES" env)
eval "$services_env"

if [[ ! -x $SALDO ]]; then
	go build -o "$SALDO" ./cmd/saldo
fi

# Without a real WhatsApp account, Saldo talks to its simulator: the same Graph
# API and signed webhooks, and a page where you play the customer.
sim=""
if [[ -z ${WHATSAPP_TOKEN:-} ]]; then
	sim=1
	export SIM_ADDR="${SIM_ADDR:-127.0.0.1:8081}"
	export WHATSAPP_API_BASE="http://$SIM_ADDR"
	export WHATSAPP_TOKEN="simulator-token"
	export WHATSAPP_PHONE_NUMBER_ID="${WHATSAPP_PHONE_NUMBER_ID:-106540352242922}"
	export WHATSAPP_BUSINESS_ACCOUNT_ID="${WHATSAPP_BUSINESS_ACCOUNT_ID:-102290129340398}"
	export WHATSAPP_DISPLAY_PHONE="${WHATSAPP_DISPLAY_PHONE:-15550783881}"
	export WHATSAPP_APP_SECRET="${WHATSAPP_APP_SECRET:-simulator-app-secret}"
	export WHATSAPP_VERIFY_TOKEN="${WHATSAPP_VERIFY_TOKEN:-simulator-verify-token}"
	# The simulator's templates for payment links and receipts outside the 24-hour window.
	export PAYMENT_LINK_TEMPLATE="${PAYMENT_LINK_TEMPLATE:-recordatorio_vencido:es}"
	export PAYMENT_RECEIPT_TEMPLATE="${PAYMENT_RECEIPT_TEMPLATE:-pago_recibido:es}"
	# The dunning page may move the demo's clock forward, for the next steps.
	export SALDO_DEMO_CLOCK="${SALDO_DEMO_CLOCK:-true}"
	# The demo's unreachable customers (DEMO-NOWA-*): their sends fail with 131026.
	export SIM_FAILING_NUMBERS="${SIM_FAILING_NUMBERS:-573009990001,573009990002}"
fi

# A development SALDO_SECRET_KEY (it seals stored secrets such as the OpenAI
# key), made once and kept with the local data.
if [[ -z ${SALDO_SECRET_KEY:-} ]]; then
	keyfile="$ROOT/.data/secret-key"
	if [[ ! -s $keyfile ]]; then
		mkdir -p "$ROOT/.data"
		(umask 077 && head -c 32 /dev/urandom | od -An -tx1 | tr -d ' \n' >"$keyfile")
	fi
	SALDO_SECRET_KEY="$(cat "$keyfile")"
	export SALDO_SECRET_KEY
fi

"$SALDO" migrate up
"$SALDO" seed

addr="${HTTP_ADDR:-:8080}"
host="${addr%:*}"
port="${addr##*:}"
[[ $addr == *:* ]] || host=""
case $host in
"" | 0.0.0.0 | "[::]" | "::") host=localhost ;;
esac

cat <<EOF

Saldo is starting at http://$host:$port
${sim:+WhatsApp simulator (play the customer): http://$SIM_ADDR
}Create an API key: DATABASE_URL='$DATABASE_URL' .bin/saldo apikey create --name erp --scopes read,write
Ctrl-C stops Saldo${started[*]:+ and the services started for it (${started[*]})}.

EOF

# In the background so that a signal to this script can be passed on (a non-interactive
# shell runs background jobs with SIGINT ignored, so Ctrl-C arrives here and is forwarded
# as SIGTERM once).
if [[ -n $sim ]]; then
	SALDO_BASE_URL="${SALDO_BASE_URL:-http://127.0.0.1:$port}" "$SALDO" sim &
	sim_pid=$!
fi
"$SALDO" all &
pid=$!
trap 'kill -TERM "$pid" 2>/dev/null || true' INT TERM HUP
set +e
while :; do
	wait "$pid"
	rc=$?
	# wait also returns early (>128) when a trapped signal arrives; go on until Saldo exits.
	kill -0 "$pid" 2>/dev/null || break
done
set -e
pid=""
exit "$rc"
