#!/usr/bin/env bash
# Scheduled harvest: harvest the sources, validate, check Datasette serves the result, and publish the
# new catalogue only when its data changed. Used by the systemd timer, the cron line and the CI workflow.
#
#   deploy/harvest-and-publish.sh [PUBLISHED_DB]     (default: /srv/aineistopankki/catalog.db)
#
# The harvest works on a copy. Publishing writes the copy to a new file beside PUBLISHED_DB
# (catalog-<UTC time>.db) and then turns PUBLISHED_DB, a symbolic link, to it in one rename, only after
# every check passed: Datasette never sees a half-made catalogue, and the running `aineistopankki serve`
# notices within two seconds that the path names a new file and serves it (datasette/plugins/published.py);
# no restart. The previous file is kept (for going back by hand: ln -sfn it), older ones are removed.
set -euo pipefail
cd "$(dirname "$0")/.."
published="${1:-/srv/aineistopankki/catalog.db}"
work="${AINEISTOPANKKI_WORK:-$(dirname "$published")/work}"
bin=".venv/bin"
mkdir -p "$work"

if [ -f "$published" ]; then
  "$bin/python" - "$published" "$work/catalog.db" <<'PY'
import sqlite3, sys
source, target = sys.argv[1:]
with sqlite3.connect(source) as src, sqlite3.connect(target) as dst:
    src.backup(dst)  # a consistent copy even while Datasette reads the published one
PY
fi

echo "== harvest $(date -u +%FT%TZ)"
status=0
# shellcheck disable=SC2086 # HARVEST_ARGS holds options (e.g. "--delay 0" for a local test web)
"$bin/aineistopankki" harvest --sources "${SOURCES:-harvester/registry/sources.yml}" --db "$work/catalog.db" \
  ${HARVEST_ARGS:-} || status=$?
if [ "$status" -ne 0 ]; then
  echo "harvest failed (exit $status): the published catalogue is kept as it is" >&2
  exit "$status"
fi

echo "== validate"
"$bin/aineistopankki" validate --db "$work/catalog.db"

echo "== soundness check"
# served as the product serves it: the configuration directory datasette/, as `serve` uses it
"$bin/aineistopankki" serve --db "$work/catalog.db" --get / > /dev/null
"$bin/aineistopankki" serve --db "$work/catalog.db" --get "/catalog/materials.json?_size=1" > /dev/null

fingerprint() {  # the data users see: active materials and their tags (not run times)
  [ -f "$1" ] || { echo none; return; }
  "$bin/python" - "$1" <<'PY'
import hashlib, sqlite3, sys
conn = sqlite3.connect(sys.argv[1])
digest = hashlib.sha256()
for row in conn.execute("select id, url, title, type, languages, phases, audiences, status from materials order by id"):
    digest.update(repr(row).encode())
print(digest.hexdigest())
PY
}
if [ "$(fingerprint "$work/catalog.db")" = "$(fingerprint "$published")" ]; then
  echo "== no change in the data: nothing to publish"
  exit 0
fi
echo "== publish"
dir="$(dirname "$published")"
base="$(basename "$published" .db)"
target="$base-$(date -u +%Y%m%dT%H%M%SZ).db"
"$bin/python" - "$work/catalog.db" "$dir/$target.tmp" <<'PY'
import sqlite3, sys
source, target = sys.argv[1:]
with sqlite3.connect(source) as src, sqlite3.connect(target) as dst:
    src.backup(dst)  # one self-contained file (no -wal beside it)
PY
mv "$dir/$target.tmp" "$dir/$target"
previous="$(readlink "$published" 2>/dev/null || true)"
ln -sfn "$target" "$published.link"
mv -Tf "$published.link" "$published"  # rename(2): readers see the old file or the new one, never neither
echo "published $published -> $target"
# keep the file just replaced (still being read for a moment) and the new one; remove older versions
for old in "$dir/$base"-[0-9]*T[0-9]*Z.db; do
  name="$(basename "$old")"
  if [ "$name" != "$target" ] && [ "$name" != "$previous" ]; then
    rm -f "$old" "$old-wal" "$old-shm"
  fi
done
