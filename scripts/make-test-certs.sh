#!/bin/sh
# Creates a throwaway CA, a server certificate for 127.0.0.1 (or the subjectAltName $2, e.g.
# DNS:registry.example) and a client certificate in $1 (P-256 keys: fast). Used by the TLS
# tests; needs the `openssl` command.
set -eu
dir=$1
san=${2:-IP:127.0.0.1}
cd "$dir"
curve="-newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes"
openssl req -x509 $curve -keyout ca.key -out ca.crt -days 2 -subj "/CN=imagebot test CA" 2>/dev/null
openssl req $curve -keyout server.key -out server.csr -subj "/CN=127.0.0.1" 2>/dev/null
printf 'subjectAltName=%s\nextendedKeyUsage=serverAuth\n' "$san" > server.ext
openssl x509 -req -in server.csr -CA ca.crt -CAkey ca.key -CAcreateserial -out server.crt -days 2 -extfile server.ext 2>/dev/null
openssl req $curve -keyout client.key -out client.csr -subj "/CN=imagebot client" 2>/dev/null
printf 'extendedKeyUsage=clientAuth\n' > client.ext
openssl x509 -req -in client.csr -CA ca.crt -CAkey ca.key -CAcreateserial -out client.crt -days 2 -extfile client.ext 2>/dev/null
