#!/usr/bin/env bash
# The portals' clients, generated from docs/openapi.json (run `itp openapi` first when the API changed):
#   clients/python/itp_client          openapi-python-client (pinned in clients/tools.lock)
#   clients/typescript/src/schema.d.ts openapi-typescript (pinned in clients/typescript/package-lock.json)
# Usage: clients/generate.sh [OUT]   writes OUT/python and OUT/typescript (default: clients/; the
#        drift test generates into a temporary OUT and compares).
#        clients/generate.sh --install   only installs the tools (.venv-clients, node_modules).
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
TOOLS="$ROOT/.venv-clients"
TS="$ROOT/clients/typescript"

want="$(sha256sum clients/tools.lock | cut -c1-16)"
if [[ ! -x "$TOOLS/bin/openapi-python-client" || "$(cat "$TOOLS/.lock-sha" 2>/dev/null)" != "$want" ]]; then
  echo "== installing the client generator into .venv-clients" >&2
  python3 -m venv "$TOOLS"
  "$TOOLS/bin/pip" install -q --require-hashes --no-deps -r clients/tools.lock
  echo "$want" >"$TOOLS/.lock-sha"
fi
want="$(sha256sum "$TS/package-lock.json" | cut -c1-16)"
if [[ "$(cat "$TS/node_modules/.lock-sha" 2>/dev/null)" != "$want" ]]; then
  (cd "$TS" && npm ci --no-audit --no-fund --loglevel=error) && echo "$want" >"$TS/node_modules/.lock-sha"
fi
[[ "${1:-}" == "--install" ]] && exit 0

OUT="$(mkdir -p "${1:-clients}" && cd "${1:-clients}" && pwd)"
mkdir -p "$OUT/python" "$OUT/typescript/src"
# Generated outside the repository, so the post-hooks' ruff never reads the project's settings.
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
PATH="$TOOLS/bin:$PATH" "$TOOLS/bin/openapi-python-client" generate --path docs/openapi.json --meta none \
  --config clients/python.yaml --output-path "$work/itp_client" >/dev/null 2>"$work/warnings.txt" || {
  cat "$work/warnings.txt" >&2
  exit 1
}
rm -rf "$OUT/python/itp_client"
cp -r "$work/itp_client" "$OUT/python/itp_client"
"$TS/node_modules/.bin/openapi-typescript" docs/openapi.json --output "$OUT/typescript/src/schema.d.ts" \
  >/dev/null 2>&1
