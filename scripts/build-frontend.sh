#!/usr/bin/env bash
# Rebuild static/portal/ from the pinned govuk-frontend npm package.
#
#   bash scripts/build-frontend.sh      (or: make frontend / npm run build)
#
# Needs Node and npm. The output (portal.css, govuk-frontend.min.js and the
# licence) is committed, so running the portal needs no Node. No GOV.UK fonts
# or images are copied: the portal is a council service, not GOV.UK.
set -euo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")/.."

if [ ! -d node_modules/govuk-frontend ] || [ ! -x node_modules/.bin/sass ]; then
  npm ci --no-audit --no-fund
fi

govuk=node_modules/govuk-frontend
out=static/portal
mkdir -p "$out"

# 1. Stylesheet: govuk-frontend configured for the council (static/src/portal.scss).
node_modules/.bin/sass \
  --load-path=node_modules \
  --style=compressed \
  --no-source-map \
  static/src/portal.scss "$out/portal.css"

# 2. JavaScript: the ES module bundle, without its sourceMappingURL comment (the
#    map is not shipped, and a dangling reference would 404 in dev tools).
sed -e 's|//# sourceMappingURL=[^ ]*$||' "$govuk/dist/govuk/govuk-frontend.min.js" \
  > "$out/govuk-frontend.min.js"

# 3. Licence. govuk-frontend is MIT; its npm package (6.x) does not include the
#    LICENSE file, so copy it when present and otherwise write the text of
#    LICENSE.txt from the govuk-frontend repository.
licence=""
for candidate in "$govuk"/LICENSE "$govuk"/LICENSE.txt "$govuk"/LICENSE.md "$govuk"/LICENCE "$govuk"/LICENCE.txt; do
  if [ -f "$candidate" ]; then
    licence="$candidate"
    break
  fi
done
version=$(node -p "require('./$govuk/package.json').version")
{
  echo "govuk-frontend ${version} (https://github.com/alphagov/govuk-frontend)"
  echo "Used in static/portal/portal.css and static/portal/govuk-frontend.min.js."
  echo
  if [ -n "$licence" ]; then
    cat "$licence"
  else
    cat <<'LICENCE'
The MIT License (MIT)

Copyright (C) 2017 Crown Copyright (Government Digital Service)

Permission is hereby granted, free of charge, to any person obtaining a copy of
this software and associated documentation files (the "Software"), to deal in
the Software without restriction, including without limitation the rights to
use, copy, modify, merge, publish, distribute, sublicense, and/or sell copies
of the Software, and to permit persons to whom the Software is furnished to do
so, subject to the following conditions:

The above copyright notice and this permission notice shall be included in all
copies or substantial portions of the Software.

THE SOFTWARE IS PROVIDED "AS IS", WITHOUT WARRANTY OF ANY KIND, EXPRESS OR
IMPLIED, INCLUDING BUT NOT LIMITED TO THE WARRANTIES OF MERCHANTABILITY,
FITNESS FOR A PARTICULAR PURPOSE AND NONINFRINGEMENT. IN NO EVENT SHALL THE
AUTHORS OR COPYRIGHT HOLDERS BE LIABLE FOR ANY CLAIM, DAMAGES OR OTHER
LIABILITY, WHETHER IN AN ACTION OF CONTRACT, TORT OR OTHERWISE, ARISING FROM,
OUT OF OR IN CONNECTION WITH THE SOFTWARE OR THE USE OR OTHER DEALINGS IN THE
SOFTWARE.
LICENCE
  fi
} > "$out/govuk-frontend-LICENSE.txt"

# 4. Guard: the compiled CSS must not reference GOV.UK's typeface or assets.
if grep -q -e 'GDS Transport' -e '/assets/' -e 'govuk-crest' "$out/portal.css"; then
  echo "build-frontend: $out/portal.css references GOV.UK fonts or assets" >&2
  exit 1
fi

echo "Built $out/portal.css ($(wc -c < "$out/portal.css") bytes) and $out/govuk-frontend.min.js (govuk-frontend ${version})."
