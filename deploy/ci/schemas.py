"""The JSON schemas kubeconform validates the manifests against, made offline from packages.

    python schemas.py kubernetes SRC OUT VERSION...
        Kubernetes' own, from the kubernetes-validate package (SRC: its kubernetes-json-schema
        folder): OUT/v<VERSION>-local-strict/<kind>-<group>-<version>.json. Their references point
        at https://kubernetes.io/api/...; they are rewritten to the local _definitions.json so that
        nothing is fetched.
    python schemas.py crds OUT CRD.yaml...
        CustomResourceDefinitions (YAML): OUT/<group>/<kind>_<version>.json for every served
        version (kubeconform: ``{{ .Group }}/{{ .ResourceKind }}_{{ .ResourceAPIVersion }}.json``).
        Strict like Kubernetes' own: an object that lists its properties refuses any other, unless
        the CRD keeps unknown fields; ``x-kubernetes-int-or-string`` becomes integer-or-string.

Runs with the deployment tools' Python (.venv-tools: PyYAML comes with checkov).
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

import yaml


def strict(node: Any) -> Any:
    if isinstance(node, list):
        return [strict(item) for item in node]
    if not isinstance(node, dict):
        return node
    out = {key: strict(value) for key, value in node.items()}
    if out.pop("x-kubernetes-int-or-string", False):
        for key in ("type", "format"):
            out.pop(key, None)
        out["oneOf"] = [{"type": "integer"}, {"type": "string"}]
    if (
        "properties" in out
        and "additionalProperties" not in out
        and not out.get("x-kubernetes-preserve-unknown-fields", False)
    ):
        out["additionalProperties"] = False
    return out


def convert(out_dir: Path, crd: dict[str, Any]) -> list[Path]:
    spec = crd["spec"]
    group, kind = spec["group"], spec["names"]["kind"].lower()
    written = []
    for version in spec["versions"]:
        schema = version.get("schema", {}).get("openAPIV3Schema")
        if not version.get("served", True) or schema is None:
            continue
        schema = strict(schema)
        # Every object has these three; CRDs often leave metadata untyped beyond `object`.
        schema.setdefault("properties", {}).update(
            apiVersion={"type": "string", "enum": [f"{group}/{version['name']}"]},
            kind={"type": "string", "enum": [spec["names"]["kind"]]},
        )
        schema["properties"].setdefault("metadata", {"type": "object"})
        path = out_dir / group / f"{kind}_{version['name']}.json"
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(json.dumps(schema, indent=1, sort_keys=True), encoding="utf-8")
        written.append(path)
    return written


def local_refs(node: Any) -> Any:
    if isinstance(node, list):
        return [local_refs(item) for item in node]
    if not isinstance(node, dict):
        return node
    out = {key: local_refs(value) for key, value in node.items() if key != "$id"}
    ref = out.get("$ref")
    if isinstance(ref, str) and ref.startswith("/api/_definitions.json"):
        out["$ref"] = ref.removeprefix("/api/")
    return out


def kubernetes(src: Path, out_dir: Path, versions: list[str]) -> int:
    for version in versions:
        name = f"v{version}-local-strict"
        target = out_dir / name
        target.mkdir(parents=True, exist_ok=True)
        for path in (src / name).glob("*.json"):
            schema = local_refs(json.loads(path.read_text(encoding="utf-8")))
            (target / path.name).write_text(json.dumps(schema), encoding="utf-8")
    print(f"deploy: Kubernetes {' '.join(versions)} schemas written to {out_dir}", file=sys.stderr)
    return 0


def crds(out_dir: Path, files: list[str]) -> int:
    count = 0
    for name in files:
        for document in yaml.safe_load_all(Path(name).read_text(encoding="utf-8")):
            if isinstance(document, dict) and document.get("kind") == "CustomResourceDefinition":
                count += len(convert(out_dir, document))
    if count == 0:
        print(f"no CustomResourceDefinition in {files}", file=sys.stderr)
        return 1
    print(f"deploy: {count} CRD schemas written to {out_dir}", file=sys.stderr)
    return 0


def main(argv: list[str]) -> int:
    if argv[:1] == ["kubernetes"] and len(argv) >= 4:
        return kubernetes(Path(argv[1]), Path(argv[2]), argv[3:])
    if argv[:1] == ["crds"] and len(argv) >= 3:
        return crds(Path(argv[1]), argv[2:])
    print(__doc__, file=sys.stderr)
    return 2


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
