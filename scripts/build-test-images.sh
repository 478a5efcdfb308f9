#!/usr/bin/env bash
# Builds the fixture images the docker tests, examples and benches use, FROM scratch with Debian's
# busybox-static (no registry on the internet is reachable or needed):
#
#   drover-test/busybox:latest   /bin/busybox plus its applets; CMD sh
#   drover-test/http:v1, :v2     busybox httpd -f -p 80 serving /www: `/` says "v1" / "v2",
#                                `/health` says "ok"; as PID 1 it ignores SIGTERM (only SIGKILL
#                                stops it), which is what a grace period is for
#
# Usage: scripts/build-test-images.sh [--push HOST:PORT]
#   --push also tags the http images as HOST:PORT/drover/http:v1|v2 and pushes them there.
# Idempotent and safe to run concurrently (a lock serialises builds; unchanged layers are cached).
set -euo pipefail

push=""
if [ "${1:-}" = "--push" ]; then
  push="${2:?--push needs HOST:PORT}"
fi

# busybox-static replaces the dynamic busybox package, so /bin/busybox is then the static one
# (a FROM scratch image has no libc for a dynamic binary).
busybox=/bin/busybox
if ! dpkg -s busybox-static >/dev/null 2>&1 || [ ! -x "$busybox" ]; then
  echo "build-test-images: needs busybox-static (apt-get install busybox-static)" >&2
  exit 1
fi

exec 9>/tmp/drover-test-images.lock
flock 9

ctx=$(mktemp -d /tmp/drover-images.XXXXXX)
trap 'rm -rf "$ctx"' EXIT
cp "$busybox" "$ctx/busybox"

build() { # tag dockerfile-text
  printf '%s\n' "$2" > "$ctx/Dockerfile"
  DOCKER_BUILDKIT=0 docker build -q -t "$1" "$ctx" >/dev/null 2>"$ctx/build.log" || {
    cat "$ctx/build.log" >&2
    exit 1
  }
}

build drover-test/busybox:latest 'FROM scratch
COPY busybox /bin/busybox
RUN ["/bin/busybox", "--install", "-s", "/bin"]
LABEL org.drover.fixture=busybox
CMD ["/bin/sh"]'

for v in v1 v2; do
  build "drover-test/http:$v" "FROM drover-test/busybox:latest
RUN mkdir -p /www && echo $v > /www/index.html && echo ok > /www/health
LABEL org.drover.fixture=http
EXPOSE 80
CMD [\"httpd\", \"-f\", \"-p\", \"80\", \"-h\", \"/www\"]"
done

if [ -n "$push" ]; then
  for v in v1 v2; do
    docker tag "drover-test/http:$v" "$push/drover/http:$v"
    docker push -q "$push/drover/http:$v" >/dev/null
  done
fi
echo "build-test-images: drover-test/busybox:latest drover-test/http:v1 drover-test/http:v2${push:+ (pushed to $push)}"
