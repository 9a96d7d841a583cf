# A static build in a distroless, non-root image; data lives on a volume at /data.
#   docker build -t mintedmind .
#   docker run -d --name mintedmind -p 8080:8080 -v mintedmind-data:/data \
#     -e BASE_URL=https://crm.example.com mintedmind
# Many agencies: -max-open-tenants auto follows the open-file limit (three
# descriptors an open agency), so give one, e.g. --ulimit nofile=65536:65536.
# `docker stop` sends SIGTERM: requests in flight finish, databases close
# (give it --time 40 if SHUTDOWN_TIMEOUT is raised).
FROM golang:1.26 AS build
WORKDIR /src
COPY go.mod go.sum ./
RUN go mod download
COPY . .
# CGO off: a fully static binary (the SQLite driver is pure Go), no libc needed.
RUN CGO_ENABLED=0 go build -trimpath -ldflags="-s -w" -o /mintedmind . \
 && mkdir -p /data-skel && chown 65532:65532 /data-skel

FROM gcr.io/distroless/static-debian12:nonroot
COPY --from=build /mintedmind /mintedmind
# An empty /data owned by nonroot, so a new named volume starts writable.
COPY --from=build --chown=65532:65532 /data-skel /data
ENV DATA_DIR=/data ADDR=:8080 LOG_FORMAT=json
VOLUME /data
EXPOSE 8080
USER nonroot:nonroot
STOPSIGNAL SIGTERM
ENTRYPOINT ["/mintedmind"]
CMD ["serve"]
