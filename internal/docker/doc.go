// Package docker runs throwaway containers through the Docker engine's HTTP
// API (the unix socket, or DOCKER_HOST): enough to start a dev database
// server for the proof (docs/proof.md) and remove it after. It speaks the
// few endpoints it needs with net/http rather than importing a Docker client
// library into the mxmigrate binary.
package docker
