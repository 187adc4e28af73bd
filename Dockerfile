# The mieux worker: `mieux worker` (the console script `mieux = "starter.cli:main"` of
# pyproject.toml) polling the `mieux` task queue. Every setting comes from the environment:
# TEMPORAL_ADDRESS / TEMPORAL_NAMESPACE (and TEMPORAL_API_KEY or TEMPORAL_TLS_* for Temporal
# Cloud) and MIEUX_* (see config/settings.py). docker-compose.yml runs it against a local stack.
#
#   docker build -t mieux-flow .
#   docker run --rm -e TEMPORAL_ADDRESS=host:7233 mieux-flow            # the worker
#   docker run --rm -e TEMPORAL_ADDRESS=host:7233 mieux-flow --help     # any other command
FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1

WORKDIR /src
COPY . .
# A regular (not editable) install with the PostgreSQL driver for the roster
# (MIEUX_ROSTER__URL=postgresql+psycopg://...). pyproject names README.md as the long
# description: `touch` keeps an existing one as it is and makes the build independent of it.
RUN touch README.md \
    && pip install ".[postgres]" \
    && cd / && rm -rf /src

# Run unprivileged. The state folder (outbox, generated documents) is a volume in compose,
# shared by the worker replicas; a named volume takes this folder's owner when first mounted.
RUN useradd --system --create-home --uid 10001 mieux \
    && mkdir -p /var/lib/mieux \
    && chown mieux:mieux /var/lib/mieux
USER mieux
WORKDIR /var/lib/mieux
ENV MIEUX_STATE_DIR=/var/lib/mieux

# Exec form: the worker is PID 1, so it gets the SIGTERM of `docker stop` and shuts down
# (worker/main.py) instead of being killed when the grace period ends.
ENTRYPOINT ["mieux"]
CMD ["worker"]
