#!/usr/bin/env bash
# Deployment checks (./dev lint runs them): every Kustomize overlay builds and validates strictly
# against the Kubernetes schemas, checkov passes (skips, each with its reason, in checkov.yaml),
# the compose file matches the compose specification, hadolint accepts the Dockerfile, and the
# image's lock is the dev lock minus the dev tools. The tools are pinned by hash (tools.lock) and
# installed once into .venv-tools.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
cd "$ROOT"
TOOLS="$ROOT/.venv-tools"
OUT="$ROOT/test-output/deploy"
KUBERNETES_VERSIONS=(1.30.0 1.37.0)
OVERLAYS=(dev dev/release prod prod/release)

want="$(sha256sum deploy/ci/tools.lock | cut -c1-16)"
if [[ ! -x "$TOOLS/bin/checkov" || "$(cat "$TOOLS/.lock-sha" 2>/dev/null)" != "$want" ]]; then
  echo "== installing the deployment checkers into .venv-tools" >&2
  python3 -m venv "$TOOLS"
  "$TOOLS/bin/pip" install -q --require-hashes -r deploy/ci/tools.lock
  echo "$want" >"$TOOLS/.lock-sha"
fi

kustomize_build() {
  if command -v kubectl >/dev/null 2>&1; then
    kubectl kustomize "$1"
  else
    # Same engine, from the Go module proxy (pinned), when kubectl is not installed.
    [[ -x "$TOOLS/bin/kustomize" ]] || GOBIN="$TOOLS/bin" go install sigs.k8s.io/kustomize/kustomize/v5@v5.8.0
    "$TOOLS/bin/kustomize" build "$1"
  fi
}

mkdir -p "$OUT"
for overlay in "${OVERLAYS[@]}"; do
  rendered="$OUT/${overlay//\//-}.yaml"
  kustomize_build "deploy/k8s/overlays/$overlay" >"$rendered"
  for version in "${KUBERNETES_VERSIONS[@]}"; do
    "$TOOLS/bin/kubernetes-validate" --strict --quiet -k "$version" "$rendered"
  done
  "$TOOLS/bin/checkov" --config-file deploy/ci/checkov.yaml -f "$rendered" >"$OUT/checkov-${overlay//\//-}.txt" 2>&1 || {
    cat "$OUT/checkov-${overlay//\//-}.txt"
    echo "checkov failed on deploy/k8s/overlays/$overlay" >&2
    exit 1
  }
  echo "deploy: overlays/$overlay builds, validates (Kubernetes ${KUBERNETES_VERSIONS[*]}) and passes checkov" \
    "($(grep -o 'Passed checks: [0-9]*, Failed checks: [0-9]*, Skipped checks: [0-9]*' "$OUT/checkov-${overlay//\//-}.txt"))"
done

"$TOOLS/bin/check-jsonschema" --builtin-schema vendor.compose-spec docker-compose.yml
"$TOOLS/bin/hadolint" Dockerfile && echo "deploy: hadolint accepts the Dockerfile"
"$TOOLS/bin/python" deploy/ci/check_locks.py
# The alert rules and the Grafana dashboard against the metrics registry (needs the project's .venv).
"$ROOT/.venv/bin/python" deploy/observability/check.py
