#!/usr/bin/env bash
# Stop the local Kafka broker and PostgreSQL cluster started by up.sh (data is kept under
# ${ITP_INFRA_DIR:-<repo>/.infra}; delete that directory for a clean slate).
set -euo pipefail

SCRIPT_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
rc=0
"$SCRIPT_DIR/kafka.sh" stop || rc=$?
"$SCRIPT_DIR/postgres.sh" stop || rc=$?
exit "$rc"
