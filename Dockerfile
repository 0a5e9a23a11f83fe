# mxmigrate for CI jobs: the statically linked release binary, CA certificates
# for TLS connections to databases, and nothing else (no shell).
#
#   bash scripts/release.sh                       # dist/: binaries, ca-certificates.crt
#   docker build --build-arg VERSION=0.1.0 -t mxmigrate dist/ -f Dockerfile
#   docker run --rm -v "$PWD:/work" mxmigrate check -n prod --json
#
# linux/amd64 only: the arm64 release binary is linked to glibc (README).
FROM scratch
ARG VERSION
COPY mxmigrate_${VERSION}_linux_amd64/mxmigrate /usr/local/bin/mxmigrate
COPY ca-certificates.crt /etc/ssl/certs/ca-certificates.crt
COPY tmp/ /tmp/
ENV HOME=/tmp
WORKDIR /work
ENTRYPOINT ["/usr/local/bin/mxmigrate"]
