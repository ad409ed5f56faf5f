"""The image's lock (requirements-prod.lock) pins the same versions as the development lock
(requirements.lock) and carries none of the development tools."""

from __future__ import annotations

import re
import sys
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
PIN = re.compile(r"^([A-Za-z0-9_.\-\[\]]+)==([^\s\\]+)", re.M)


def pins(path: Path) -> dict[str, str]:
    return {name.lower(): version for name, version in PIN.findall(path.read_text(encoding="utf-8"))}


def main() -> int:
    dev, prod = pins(ROOT / "requirements.lock"), pins(ROOT / "requirements-prod.lock")
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    dev_tools = {re.split(r"[<>=\[ ]", d, maxsplit=1)[0].lower() for d in project["optional-dependencies"]["dev"]}
    errors = [f"{n}: {v} in the image, {dev.get(n)} in development" for n, v in prod.items() if dev.get(n) != v]
    errors += [f"{n}: a development tool in the image's lock" for n in sorted(dev_tools & prod.keys())]
    if errors:
        print("requirements-prod.lock is out of step (regenerate it: see deploy/lock.sh):", *errors, sep="\n  ")
        return 1
    print(f"deploy: requirements-prod.lock pins {len(prod)} packages, as requirements.lock does, without dev tools")
    return 0


if __name__ == "__main__":
    sys.exit(main())
