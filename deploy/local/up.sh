#!/usr/bin/env bash
# Start the local PostgreSQL cluster and Kafka broker (idempotent), then print the connection
# settings on stdout (progress goes to stderr), so that this works:
#
#   eval "$(deploy/local/up.sh)"
set -euo pipefail

SCRIPT_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
PG_PORT="${ITP_PG_PORT:-55432}"
KAFKA_PORT="${ITP_KAFKA_PORT:-59092}"
KAFKA_SASL_PORT="${ITP_KAFKA_SASL_PORT:-59094}"

"$SCRIPT_DIR/postgres.sh" start
"$SCRIPT_DIR/kafka.sh" start

cat <<ENV
# one database per service: append /itp_demand, /itp_matching, /itp_contracts, /itp_talent, /itp_dashboard
export ITP_PG_DSN=postgresql+asyncpg://itp:itp@127.0.0.1:$PG_PORT
export ITP_KAFKA_BOOTSTRAP=127.0.0.1:$KAFKA_PORT
# the same broker behind SASL/SCRAM-SHA-512 (user itp), for the clients' security settings
export ITP_TEST_KAFKA_SASL_BOOTSTRAP=127.0.0.1:$KAFKA_SASL_PORT
export ITP_TEST_KAFKA_SCRAM_PASSWORD=${ITP_KAFKA_SCRAM_PASSWORD:-itp-local-scram}
ENV
