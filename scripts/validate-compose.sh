#!/usr/bin/env bash
# Validates docker-compose.yml without a container engine: `docker-compose config -q` for the file
# as a whole and for each profile, against .env.example standing in for .env (and against the
# real .env too, when there is one). Needs the `docker-compose` binary (Debian: apt-get install
# docker-compose); without it this prints a notice and exits 0, except under CI=true, where it fails.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
profiles=(embedded postgres full tools)

if ! command -v docker-compose >/dev/null 2>&1; then
  if [ "${CI:-}" = true ]; then
    echo "validate-compose: docker-compose is not installed (apt-get install -y docker-compose)" >&2
    exit 1
  fi
  echo "[notice] docker-compose is not installed: compose validation skipped (apt-get install docker-compose)"
  exit 0
fi

scratch="$(mktemp -d "${TMPDIR:-/tmp}/ta-compose.XXXXXX")"
trap 'rm -rf "$scratch"' EXIT
cp "$root/docker-compose.yml" "$scratch/"
cp -R "$root/infra" "$scratch/infra"
cp "$root/.env.example" "$scratch/.env"

check() {
  local dir="$1" label="$2"
  (cd "$dir" && docker-compose config -q) || { echo "validate-compose: invalid ($label, no profile)" >&2; return 1; }
  for profile in "${profiles[@]}"; do
    (cd "$dir" && docker-compose --profile "$profile" config -q) ||
      { echo "validate-compose: invalid ($label, profile $profile)" >&2; return 1; }
  done
  echo "docker-compose.yml is valid with $label for: (none) ${profiles[*]}"
}

check "$scratch" ".env.example as .env"
if [ -f "$root/.env" ]; then check "$root" "your .env"; fi
