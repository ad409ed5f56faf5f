# One image for every service (itp serve <name>) and for the one-off steps
# (itp migrate all, itp topics create).
FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1

WORKDIR /app

# Dependencies first (own layer, rebuilt only when the lock changes), every one pinned by hash.
COPY requirements.lock ./
RUN pip install --require-hashes -r requirements.lock

# Then our code (whatever .dockerignore lets through: pyproject.toml and the Python packages),
# without touching the dependencies again.
COPY . ./
RUN pip install --no-deps . \
    && useradd --system --uid 10001 --no-create-home --shell /usr/sbin/nologin itp

USER 10001
EXPOSE 8000
CMD ["itp", "--help"]
