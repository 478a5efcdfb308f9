#!/usr/bin/env bash
# Installs and starts what the test suites need on a Debian bookworm machine (run as root).
# Idempotent: a second run only checks. Used by .ci/run; handy on a fresh developer machine too.
set -euo pipefail
export DEBIAN_FRONTEND=noninteractive

need=()
for pkg in python3-marathon unzip bzip2 xz-utils busybox-static docker.io docker-registry postgresql chromium iproute2 tmux haproxy pgbouncer bind9-dnsutils iptables; do
  dpkg -s "$pkg" >/dev/null 2>&1 || need+=("$pkg")
done
if [ ${#need[@]} -gt 0 ]; then
  echo "provision: installing ${need[*]}"
  apt-get update -qq
  apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null
fi

# Docker engine: started in the background; tests talk to /var/run/docker.sock.
if ! /usr/bin/docker -H unix:///var/run/docker.sock version >/dev/null 2>&1 && ! curl -fsS --unix-socket /var/run/docker.sock http://localhost/_ping >/dev/null 2>&1; then
  echo "provision: starting dockerd"
  nohup /usr/sbin/dockerd --host=unix:///var/run/docker.sock >/var/log/dockerd-drover.log 2>&1 &
  for _ in $(seq 1 60); do
    curl -fsS --unix-socket /var/run/docker.sock http://localhost/_ping >/dev/null 2>&1 && break
    sleep 1
  done
  curl -fsS --unix-socket /var/run/docker.sock http://localhost/_ping >/dev/null || {
    echo "provision: dockerd did not start"; tail -20 /var/log/dockerd-drover.log; exit 1; }
fi

# PostgreSQL on 127.0.0.1:5432 with a password login for the tests.
if ! pg_lsclusters -h 2>/dev/null | grep -q online; then
  echo "provision: starting postgresql"
  cluster=$(pg_lsclusters -h | awk 'NR==1 {print $1" "$2}')
  # shellcheck disable=SC2086
  pg_ctlcluster $cluster start
fi
su postgres -c "psql -qtAc \"select 1 from pg_roles where rolname='drover'\"" | grep -q 1 ||
  su postgres -c "psql -qc \"create role drover login superuser password 'drover'\""

# A local image registry (Debian's docker-registry with its own config; no systemd here). The
# engine treats 127.0.0.0/8 registries as insecure-allowed, so plain HTTP works. The README's
# packaging walkthrough pushes to it; tests start their own registries (with auth) beside it.
registry_addr=${DROVER_REGISTRY_ADDR:-127.0.0.1:5000}
if ! curl -fsS "http://$registry_addr/v2/" >/dev/null 2>&1; then
  echo "provision: starting docker-registry on $registry_addr"
  mkdir -p /var/lib/drover-registry
  printf '%s\n' 'version: 0.1' 'log:' '  level: warn' 'storage:' '  filesystem:' \
    '    rootdirectory: /var/lib/drover-registry/data' '  delete:' '    enabled: true' 'http:' \
    "  addr: $registry_addr" >/var/lib/drover-registry/config.yml
  nohup /usr/bin/docker-registry serve /var/lib/drover-registry/config.yml >/var/log/drover-registry.log 2>&1 &
  for _ in $(seq 1 30); do
    curl -fsS "http://$registry_addr/v2/" >/dev/null 2>&1 && break
    sleep 1
  done
  curl -fsS "http://$registry_addr/v2/" >/dev/null || {
    echo "provision: docker-registry did not start"; tail -20 /var/log/drover-registry.log; exit 1; }
fi

# Fixture images for the docker suites, examples and benches (cached after the first build).
bash "$(dirname "$0")/build-test-images.sh"

echo "provision: ready"
