#!/usr/bin/env bash
# Installs and starts what the test suites need on a Debian bookworm machine (run as root).
# Idempotent: a second run only checks. Used by .ci/run; handy on a fresh developer machine too.
set -euo pipefail
export DEBIAN_FRONTEND=noninteractive

need=()
for pkg in python3-marathon busybox-static docker.io docker-registry postgresql chromium iproute2; do
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

echo "provision: ready"
