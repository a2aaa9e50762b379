# syntax=docker/dockerfile:1
#
# storybot as a service: `storybot serve` on :8080 with the built-in sample
# story (mount your articles at /corpus and set STORYBOT_CORPUS=/corpus).
#
#   docker build -t storybot .
#   docker run --rm -p 8080:8080 -e STORYBOT_API_TOKEN=change-me -v storybot-data:/data storybot
#
# It listens on all interfaces of the container, so POST /v1/ask needs
# STORYBOT_API_TOKEN (or STORYBOT_API_OPEN=true when an open API is meant):
# without either, serve refuses to start.
#
# /data belongs to the image's user nonroot (65532). A named volume starts
# with that owner; a bind-mounted host folder keeps its own, so give it to
# that user first:  sudo chown -R 65532:65532 ./data
#
# cmd/storybot/docker_test.go builds and starts the binary exactly as this
# file does (same build flags, entrypoint, environment and healthcheck).

# --- build -----------------------------------------------------------------
# The patch release go.mod asks for: a floating tag may be an older cached
# 1.26 that cannot build it.
FROM golang:1.26.8 AS build
WORKDIR /src
# Modules first, in their own layer: it is rebuilt only when go.mod or
# go.sum change.
COPY go.mod go.sum ./
RUN go mod download && go mod verify
COPY . .
# A static binary (no cgo), without local paths; the sample story and the
# prompt templates are embedded in it.
RUN CGO_ENABLED=0 GOOS=linux go build -trimpath -ldflags="-s -w" -o /out/storybot ./cmd/storybot
# The data folder, owned by the runtime user (below) so that a named volume
# starts writable.
RUN mkdir -p /out/data

# --- run -------------------------------------------------------------------
# distroless/static: no shell, CA certificates and time zones included,
# runs as the unprivileged user nonroot (65532).
FROM gcr.io/distroless/static-debian12:nonroot
COPY --from=build /out/storybot /usr/local/bin/storybot
COPY --from=build --chown=65532:65532 /out/data /data
ENV STORYBOT_DATA=/data \
    STORYBOT_HTTP_ADDR=0.0.0.0:8080 \
    STORYBOT_LOG_FORMAT=json
VOLUME ["/data"]
EXPOSE 8080
USER 65532:65532
HEALTHCHECK --interval=30s --timeout=5s --start-period=2m --retries=3 \
    CMD ["/usr/local/bin/storybot", "healthcheck"]
ENTRYPOINT ["/usr/local/bin/storybot", "serve"]
