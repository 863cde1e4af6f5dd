#!/usr/bin/env bash
# Vendor the dashboard's front-end libraries from the npm registry (no CDN at run time):
# pinned in src/permille/web/vendor.json, copied to src/permille/web/static/vendor/<name>/,
# with each tarball's npm integrity recorded in static/vendor/INTEGRITY.
set -euo pipefail
cd "$(dirname "$0")/.."
spec=src/permille/web/vendor.json
dest=src/permille/web/static/vendor
work=$(mktemp -d); trap 'rm -rf "$work"' EXIT
rm -rf "$dest"; mkdir -p "$dest"
python3 - "$spec" > "$work/list" <<'PY'
import json, sys
for name, p in json.load(open(sys.argv[1]))["packages"].items():
    print(name, p["version"], " ".join(p["files"]))
PY
while read -r name version files; do
  (cd "$work" && npm pack --silent "$name@$version" > /dev/null)
  tgz=$(ls "$work"/*.tgz); mkdir -p "$work/x"; tar xzf "$tgz" -C "$work/x"
  echo "$name@$version $(npm view "$name@$version" dist.integrity)" >> "$dest/INTEGRITY"
  for f in $files; do install -D -m 644 "$work/x/package/$f" "$dest/$name/${f#dist/}"; done
  rm -rf "$work/x" "$tgz"
done < "$work/list"
echo "vendored into $dest:"; cat "$dest/INTEGRITY"
