# One image for every service (itp serve <name>) and for the release steps (itp migrate <name>,
# itp topics create). Two stages: the build stage installs the runtime dependencies (no test or
# lint tools: requirements-prod.lock) into a virtualenv; the final stage carries only that
# virtualenv, runs as a non-root user and needs no writable root filesystem.
FROM python:3.11-slim AS build

ENV PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1

RUN python -m venv /opt/itp
WORKDIR /src

# Dependencies first (own layer, rebuilt only when the lock changes), every one pinned by hash.
COPY requirements-prod.lock ./
RUN /opt/itp/bin/pip install --require-hashes -r requirements-prod.lock

# Then our code (whatever .dockerignore lets through: pyproject.toml and the Python packages).
COPY . ./
RUN /opt/itp/bin/pip install --no-deps . && /opt/itp/bin/python -m compileall -q /opt/itp

FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PATH=/opt/itp/bin:$PATH

RUN groupadd --system --gid 10001 itp \
    && useradd --system --uid 10001 --gid itp --no-create-home --shell /usr/sbin/nologin itp
COPY --from=build /opt/itp /opt/itp

# Nothing is written under / at run time: settings come from the environment and from files in
# ITP_SECRETS_DIR; the only scratch space is /tmp (an emptyDir in Kubernetes).
WORKDIR /tmp
USER 10001:10001
EXPOSE 8000
HEALTHCHECK --interval=10s --timeout=3s --start-period=20s --retries=3 \
    CMD ["python", "-c", "import urllib.request; urllib.request.urlopen('http://127.0.0.1:8000/healthz', timeout=2)"]
CMD ["itp", "--help"]
