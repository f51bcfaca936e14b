#!/usr/bin/env bash
# Install the pinned front-end libraries from the npm registry and copy the files the pages
# load into static/vendor/ (git-ignored). Used by `make install` and by the Docker image, so
# both serve exactly the same files, with no CDN and no download at run time.
set -euo pipefail
cd "$(dirname "$0")/.."

command -v npm >/dev/null || { echo "npm is required to install Bootstrap (Node.js 18 or newer)." >&2; exit 1; }
npm ci --no-audit --no-fund --ignore-scripts --loglevel=error

rm -rf static/vendor
mkdir -p static/vendor/bootstrap static/vendor/bootstrap-icons static/vendor/signature_pad
cp node_modules/bootstrap/dist/css/bootstrap.min.css{,.map} static/vendor/bootstrap/
cp node_modules/bootstrap/dist/js/bootstrap.bundle.min.js{,.map} static/vendor/bootstrap/
cp -r node_modules/bootstrap-icons/font/bootstrap-icons.min.css node_modules/bootstrap-icons/font/fonts \
  static/vendor/bootstrap-icons/
# Draws the KOL's signature on an inquiry with a pointer or a finger.
cp node_modules/signature_pad/dist/signature_pad.umd.min.js{,.map} static/vendor/signature_pad/
touch static/vendor/.installed
