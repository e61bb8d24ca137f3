#!/usr/bin/env bash
# Rewrites the vendored Genesys provider schema from the real provider, on a machine with
# terraform and registry access, then regenerates the bindings:
#   npm run providers:refresh [-- 1.84.1]
set -euo pipefail
version="${1:-$(node -p 'require("./providers/genesyscloud/used.json").version')}"
root="$(cd "$(dirname "$0")/../.." && pwd)"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
cat > "$work/main.tf" <<TF
terraform {
  required_providers {
    genesyscloud = { source = "mypurecloud/genesyscloud", version = "= ${version}" }
  }
}
TF
terraform -chdir="$work" init -input=false -no-color >/dev/null
terraform -chdir="$work" providers schema -json > "$root/providers/genesyscloud/provider-schema-${version}.json"
node -e '
  const fs = require("fs");
  const file = process.argv[1], version = process.argv[2];
  const used = JSON.parse(fs.readFileSync(file, "utf8"));
  used.version = version;
  fs.writeFileSync(file, JSON.stringify(used, null, 2) + "\n");
' "$root/providers/genesyscloud/used.json" "$version"
cd "$root" && npm run bindings
echo "vendored genesyscloud ${version} schema; review the diff, then run npm test"
