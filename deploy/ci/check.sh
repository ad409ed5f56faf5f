#!/usr/bin/env bash
# Deployment checks (./dev lint runs them): every Kustomize overlay builds and validates strictly
# (kubeconform) against the Kubernetes schemas and, for the operators overlay, the operators' CRD
# schemas; checkov passes (skips, each with its reason, in checkov.yaml), the compose file matches
# the compose specification, hadolint accepts the Dockerfile, and the image's lock is the dev lock
# minus the dev tools. The tools are pinned in tools.lock (Python ones by hash; Go ones by version,
# checked by the Go checksum database) and installed once into .venv-tools, with the schemas.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
cd "$ROOT"
TOOLS="$ROOT/.venv-tools"
SCHEMAS="$TOOLS/schemas"
OUT="$ROOT/test-output/deploy"
KUBERNETES_VERSIONS=(1.30.0 1.37.0)
OVERLAYS=(dev dev/release prod prod/release operators)
# No registry serves Strimzi's CRDs as files for kubeconform (Maven Central's io.strimzi:api has
# none); npm's @kubernetes-models/strimzi-kafka-operator (pinned in deploy/ci/strimzi) carries them
# as compiled validators, which strimzi/validate.mjs runs on those kinds instead.
STRIMZI_KINDS=Kafka,KafkaNodePool,KafkaTopic,KafkaUser

go_pin() { sed -n "s|^# go: \(.*/$1@.*\)\$|\1|p" deploy/ci/tools.lock; }

want="$(sha256sum deploy/ci/tools.lock deploy/ci/schemas.py deploy/ci/strimzi/package-lock.json | sha256sum | cut -c1-16)"
if [[ ! -x "$TOOLS/bin/kubeconform" || "$(cat "$TOOLS/.lock-sha" 2>/dev/null)" != "$want" ]]; then
  echo "== installing the deployment checkers and schemas into .venv-tools" >&2
  python3 -m venv "$TOOLS"
  "$TOOLS/bin/pip" install -q --require-hashes -r deploy/ci/tools.lock
  GOBIN="$TOOLS/bin" go install "$(go_pin kubeconform)"
  rm -rf "$SCHEMAS"
  # Kubernetes' schemas come with the kubernetes-validate package; the CRDs with the operator's Go module.
  "$TOOLS/bin/python" deploy/ci/schemas.py kubernetes \
    "$("$TOOLS/bin/python" -c 'import kubernetes_validate, os; print(os.path.dirname(kubernetes_validate.__file__))')/kubernetes-json-schema" \
    "$SCHEMAS/kubernetes" "${KUBERNETES_VERSIONS[@]}"
  cnpg="$(go_pin cloudnative-pg)"
  cnpg_dir="$(cd "$TOOLS" && go mod download -json "$cnpg" | "$TOOLS/bin/python" -c 'import json, sys; print(json.load(sys.stdin)["Dir"])')"
  "$TOOLS/bin/python" deploy/ci/schemas.py crds "$SCHEMAS/crds" "$cnpg_dir"/config/crd/bases/*.yaml
  (cd deploy/ci/strimzi && npm ci --no-audit --no-fund --silent)
  echo "$want" >"$TOOLS/.lock-sha"
fi

kustomize_build() {
  if command -v kubectl >/dev/null 2>&1; then
    kubectl kustomize "$1"
  else
    # Same engine, from the Go module proxy (pinned), when kubectl is not installed.
    [[ -x "$TOOLS/bin/kustomize" ]] || GOBIN="$TOOLS/bin" go install "$(go_pin kustomize/v5)"
    "$TOOLS/bin/kustomize" build "$1"
  fi
}

mkdir -p "$OUT"
for overlay in "${OVERLAYS[@]}"; do
  rendered="$OUT/${overlay//\//-}.yaml"
  kustomize_build "deploy/k8s/overlays/$overlay" >"$rendered"
  for version in "${KUBERNETES_VERSIONS[@]}"; do
    "$TOOLS/bin/kubeconform" -strict -summary -skip "$STRIMZI_KINDS" -kubernetes-version "$version" \
      -schema-location "$SCHEMAS/kubernetes/{{ .NormalizedKubernetesVersion }}-local{{ .StrictSuffix }}/{{ .ResourceKind }}{{ .KindSuffix }}.json" \
      -schema-location "$SCHEMAS/crds/{{ .Group }}/{{ .ResourceKind }}_{{ .ResourceAPIVersion }}.json" \
      "$rendered" >"$OUT/kubeconform-${overlay//\//-}-$version.txt" || {
      cat "$OUT/kubeconform-${overlay//\//-}-$version.txt"
      echo "kubeconform: deploy/k8s/overlays/$overlay is invalid for Kubernetes $version" >&2
      exit 1
    }
  done
  if grep -q "strimzi.io/" "$rendered"; then
    "$TOOLS/bin/python" -c 'import json, sys, yaml; [print(json.dumps(d)) for d in yaml.safe_load_all(open(sys.argv[1])) if d]' \
      "$rendered" | (cd deploy/ci/strimzi && node validate.mjs) || {
      echo "deploy/k8s/overlays/$overlay: Strimzi resources invalid against Strimzi's CRD schemas" >&2
      exit 1
    }
  fi
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
