#!/usr/bin/env bash
# Rehearses infra/Dockerfile without a Docker engine: the same stages as directories on this
# machine (build context per .dockerignore, `npm ci` + `npm run build`, `npm ci --omit=dev`, the
# runtime layout with no sources), then runs the result the way the image does: as a non-root
# user, with --help, `version`, `health`, and a data directory owned by somebody else.
# Needs Node 24 on PATH (source scripts/use-node24.sh) and the npm registry or a warm npm cache.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
work="$(mktemp -d "${TMPDIR:-/tmp}/ta-image.XXXXXX")"
trap 'rm -rf "$work"' EXIT
step() { printf '\n== %s\n' "$*"; }
export npm_config_update_notifier=false npm_config_fund=false npm_config_audit=false

step "build context (.dockerignore applied)"
node "$root/scripts/docker-context.js" "$root" "$work/context"
for forbidden in node_modules .env test/unit test/e2e test/contract; do
  if [ -e "$work/context/$forbidden" ]; then
    echo "context must not contain $forbidden" >&2
    exit 1
  fi
done
# `demo` runs the simulated Telegram server, which lives beside the tests' other helpers.
test -f "$work/context/test/support/fake-telegram/index.ts" \
  || { echo "context must contain the demo's test/support/fake-telegram" >&2; exit 1; }

step "stage build: npm ci --ignore-scripts && npm run build"
cp -a "$work/context" "$work/build"
(cd "$work/build" && npm ci --ignore-scripts --prefer-offline --loglevel=error && npm run build --silent \
  && mkdir -p schema && chmod 0755 bin/telegram-archive.js)

step "stage deps: npm ci --omit=dev --ignore-scripts"
mkdir -p "$work/deps"
cp "$work/context/package.json" "$work/context/package-lock.json" "$work/context/.npmrc" "$work/deps/"
(cd "$work/deps" && npm ci --omit=dev --ignore-scripts --prefer-offline --loglevel=error \
  && arch="$(node -p process.arch)" \
  && find node_modules/better-sqlite3/prebuilds -type f ! -name "linux-${arch}.node" -delete \
  && rm -rf node_modules/better-sqlite3/deps node_modules/better-sqlite3/src)

step "stage runtime: node_modules, dist, schema, bin, package.json; no sources"
app="$work/app"
mkdir -p "$app" "$work/home" "$work/data"
cp -a "$work/deps/node_modules" "$work/build/dist" "$work/build/schema" "$work/build/bin" "$app/"
cp "$work/build/package.json" "$work/build/.env.example" "$app/"
test ! -e "$app/src" || { echo "runtime must not contain src/" >&2; exit 1; }
for dev in typescript jest @biomejs/biome @swc/core; do
  test ! -e "$app/node_modules/$dev" || { echo "dev dependency $dev in the runtime" >&2; exit 1; }
done
du -sh "$app/node_modules" "$app/dist" | sed 's/^/size  /'

# As the image runs: a non-root uid, HOME and DATA_DIR set, no .env in the working directory.
as_user() {
  local uid="$1"; shift
  if [ "$(id -u)" = 0 ] && command -v setpriv >/dev/null; then
    chmod 0755 "$work" && chmod 1777 "$work/home"
    (cd "$app" && setpriv --reuid="$uid" --regid="$uid" --clear-groups env -i PATH="$PATH" HOME="$work/home" "$@")
  else
    (cd "$app" && env -i PATH="$PATH" HOME="$work/home" "$@")
  fi
}

step "native module loads after pruning"
(cd "$app" && node -e "const D=require('better-sqlite3'); console.log('better-sqlite3', new D(':memory:').prepare('select sqlite_version() v').get().v)")

step "telegram-archive --help (from dist/, as uid 4321)"
help="$(as_user 4321 node bin/telegram-archive.js --help)"
echo "$help" | sed -n 1,3p
as_user 4321 node bin/telegram-archive.js version

step "demo from dist/: the simulated Telegram answers and the archive fills"
port="$(node -e "const s=require('node:net').createServer().listen(0,()=>{console.log(s.address().port);s.close()})")"
set +e
out="$(as_user 4321 timeout -s INT 20 node bin/telegram-archive.js demo --port "$port" --messages-per-chat 20 \
  --data-dir "$work/home/demo" 2>&1)"
set -e
echo "$out" | grep -E 'SIMULATED|^Stopped' | sed 's/^ *//'
echo "$out" | grep -q '^Stopped\.' || { echo "demo did not run from dist/:" >&2; echo "$out" | tail -5 >&2; exit 1; }

if [ "$(id -u)" = 0 ] && command -v setpriv >/dev/null; then
  step "a data volume owned by another uid: the app explains the fix"
  chown 1000:1000 "$work/data" && chmod 0755 "$work/data"
  set +e
  out="$(as_user 4321 env DATA_DIR="$work/data/archive" node bin/telegram-archive.js config check 2>&1)"
  code=$?
  set -e
  echo "$out" | tail -2
  [ "$code" = 1 ] && echo "$out" | grep -q 'Fix: ' || { echo "expected exit 1 with a fix, got $code" >&2; exit 1; }
  step "the same volume with --user 1000: works"
  out="$(as_user 1000 env DATA_DIR="$work/data/archive" node bin/telegram-archive.js config check)"
  echo "$out" | sed -n 1p
  test -d "$work/data/archive" || { echo "the app did not create DATA_DIR" >&2; exit 1; }
  step "the HEALTHCHECK command from dist/: unhealthy (exit 1) while nothing is archived"
  set +e
  out="$(as_user 1000 env DATA_DIR="$work/data/archive" node bin/telegram-archive.js health)"
  code=$?
  set -e
  echo "$out"
  [ "$code" = 1 ] && echo "$out" | grep -q 'no event log' || { echo "expected exit 1 from health, got $code" >&2; exit 1; }
fi
step "image rehearsal passed"
