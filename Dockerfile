# A static build in a distroless, non-root image; data lives on a volume at /data.
FROM golang:1.26 AS build
WORKDIR /src
COPY go.mod go.sum ./
RUN go mod download
COPY . .
RUN CGO_ENABLED=0 go build -trimpath -ldflags="-s -w" -o /mintedmind .

FROM gcr.io/distroless/static-debian12:nonroot
COPY --from=build /mintedmind /mintedmind
ENV DATA_DIR=/data ADDR=:8080
VOLUME /data
EXPOSE 8080
USER nonroot:nonroot
ENTRYPOINT ["/mintedmind"]
