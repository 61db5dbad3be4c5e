#!/usr/bin/env bash
# Rebuild static/vendor/noble-<version>.min.mjs: @noble/curves (ed25519) and @noble/hashes
# (sha512) from the npm registry, bundled into one ES module with esbuild (no CDN at run time).
#   scripts/vendor-noble.sh [version]     (default 2.4.0; both packages share it)
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
version="${1:-2.4.0}"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
(cd "$work" && npm init -y >/dev/null &&
  npm install --silent "@noble/curves@$version" "@noble/hashes@$version" esbuild@0.28 &&
  printf "export { ed25519 } from '@noble/curves/ed25519.js';\nexport { sha512 } from '@noble/hashes/sha2.js';\n" > entry.js &&
  npx esbuild entry.js --bundle --format=esm --minify --legal-comments=inline --outfile=noble.mjs)
out="static/vendor/noble-$version.min.mjs"
{
  printf '/*! @noble/curves %s (ed25519) and @noble/hashes %s (sha512), MIT License,\n' "$version" "$version"
  printf '    Copyright (c) 2022 Paul Miller (paulmillr.com). One ES module bundled by\n'
  printf '    scripts/vendor-noble.sh; it exports { ed25519, sha512 }. */\n'
  cat "$work/noble.mjs"
} > "$out"
sha256sum "$out"
