#!/usr/bin/env bash
# Regenerate the locks after changing pyproject.toml: requirements.lock (development: runtime +
# the dev extra, what ./dev installs) and requirements-prod.lock (the image: runtime only, the
# same versions). Needs uv (pip install uv).
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
uv pip compile pyproject.toml --extra dev --generate-hashes --python-version 3.11 -o requirements.lock
uv pip compile pyproject.toml --generate-hashes --python-version 3.11 -c requirements.lock -o requirements-prod.lock
