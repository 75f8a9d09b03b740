# Airbyte connectors for Hyros: one Dockerfile, two images. The build target picks the connector;
# both share every layer but the last few (same runtime, both bins), so building both costs one build.
#
#   docker build -t you/source-hyros:0.1.0 .                                   (default: the source)
#   docker build --target destination-hyros -t you/destination-hyros:0.1.0 .
#
# `you`: your Docker Hub user or registry path. How to run them, against the bundled sandbox or in a
# self-managed Airbyte: docs/integrations/sources/hyros.md and docs/integrations/destinations/hyros.md.
#
# Legacy-builder compatible (no BuildKit-only syntax). On machines without a container registry,
# scripts/docker/make-base-image.sh provides a stand-in for the base image under the same tag.

ARG NODE_IMAGE=node:22-bookworm-slim

# ---- build: dev dependencies + TypeScript compile -------------------------------------------
FROM ${NODE_IMAGE} AS build
WORKDIR /build
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund --ignore-scripts
COPY tsconfig.json tsconfig.build.json ./
COPY spec ./spec
COPY src ./src
RUN npm run build && test -f dist/src/source/main.js && test -f dist/src/destination/main.js

# ---- deps: production dependencies only ------------------------------------------------------
FROM ${NODE_IMAGE} AS deps
WORKDIR /airbyte
COPY package.json package-lock.json ./
RUN npm ci --omit=dev --no-audit --no-fund --ignore-scripts \
 && find node_modules -depth -type d -empty -delete \
 && rm -rf /root/.npm /tmp/*

# ---- runtime: what both connectors run on (no labels: each target below names itself) --------
FROM ${NODE_IMAGE} AS runtime
ENV NODE_ENV=production \
    TZ=UTC
WORKDIR /airbyte
COPY package.json ./
COPY --from=deps /airbyte/node_modules ./node_modules
COPY spec ./spec
COPY --from=build /build/dist/src ./dist/src
COPY scripts/docker/entrypoint.sh ./entrypoint.sh
# Non-root user with uid/gid 1000: the base's `node` user when present, else `airbyte`.
RUN chmod 0755 /airbyte/entrypoint.sh \
 && if ! getent passwd 1000 >/dev/null; then \
      groupadd --gid 1000 airbyte && useradd --uid 1000 --gid 1000 --create-home --shell /bin/sh airbyte; \
    fi
USER 1000:1000
ENV AIRBYTE_ENTRYPOINT="/airbyte/entrypoint.sh"
ENTRYPOINT ["/airbyte/entrypoint.sh"]

# ---- destination-hyros (`--target destination-hyros`) ----------------------------------------
FROM runtime AS destination-hyros
ARG AIRBYTE_NAME=airbyte/destination-hyros
ARG AIRBYTE_VERSION=0.1.0
# The bin entrypoint.sh runs.
ENV CONNECTOR_BIN=/airbyte/dist/src/destination/main.js
LABEL io.airbyte.name="${AIRBYTE_NAME}" \
      io.airbyte.version="${AIRBYTE_VERSION}"

# ---- source-hyros: the last stage, so a plain `docker build .` gives the source --------------
FROM runtime AS source-hyros
ARG AIRBYTE_NAME=airbyte/source-hyros
ARG AIRBYTE_VERSION=0.1.0
ENV CONNECTOR_BIN=/airbyte/dist/src/source/main.js
LABEL io.airbyte.name="${AIRBYTE_NAME}" \
      io.airbyte.version="${AIRBYTE_VERSION}"
