#!/usr/bin/env bash
# Renders the page `CharRnn visualize` writes in headless Chromium and checks it: the page's script ran to the end
# (body data-status="ready"), no script error was raised (no data-error, no "Uncaught" in the browser's console log),
# the coloured character spans are there, and a link to another unit (#unit=7, through the menu's change handler)
# recolours every character for that unit; then takes a PNG screenshot.
#
#   tests/visualize/run.sh                          trains a small model for 300 steps and checks its page
#   tests/visualize/run.sh CHECKPOINT PNG [ARGS...] checks the page of CHECKPOINT (visualize ARGS added) and keeps the
#                                                   screenshot at PNG (how docs/activations.png was made)
#
# Installs Debian's chromium when it is missing (needs root and the Debian mirror).
set -euo pipefail
cd "$(dirname "$0")/../.."
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1

if ! command -v chromium > /dev/null; then
  echo "chromium is missing; installing Debian's package"
  apt-get update -qq > /dev/null
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium > /dev/null
fi

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
dotnet build samples/CharRnn -c Release > "$work/build.txt" 2>&1 || { cat "$work/build.txt"; exit 1; }
charrnn() { dotnet samples/CharRnn/bin/Release/net10.0/CharRnn.dll "$@"; }

length=800
if [ $# -ge 2 ]; then
  checkpoint=$1 png=$2
  shift 2
else
  checkpoint="$work/m.safetensors" png="$work/page.png"
  charrnn --steps 300 --report-every 100 --sample-every 1000 --sample-length 20 --save "$checkpoint" > "$work/train.txt"
fi
[[ " $* " == *" --length "* ]] || set -- --length "$length" "$@"
charrnn visualize --checkpoint "$checkpoint" --output "$work/page.html" "$@" | tee "$work/visualize.txt"
length=$(sed -n "s/^wrote '.*': \([0-9,]*\) characters.*/\1/p" "$work/visualize.txt" | tr -d ,)

flags=(--headless --no-sandbox --disable-gpu --disable-dev-shm-usage --disable-background-networking --disable-extensions
       --disable-sync --no-first-run --hide-scrollbars --mute-audio --enable-logging=stderr --v=0)
chromium "${flags[@]}" --dump-dom "file://$work/page.html" > "$work/dom.html" 2> "$work/console.txt"
body=$(grep -o '<body[^>]*>' "$work/dom.html" | head -1)
echo "rendered: $body"
fail() { echo "FAILED: $*"; exit 1; }
[[ $body == *'data-status="ready"'* ]] || fail "the page's script did not finish (no data-status=\"ready\")"
[[ $body != *'data-error='* ]] || fail "script error: $body"
! grep -q 'Uncaught' "$work/console.txt" || fail "script error in the console: $(grep 'Uncaught' "$work/console.txt")"
spans=$(sed -n 's/.*data-spans="\([0-9]*\)".*/\1/p' <<< "$body")
[ "${spans:-0}" -gt "$length" ] || fail "$spans coloured spans; expected more than the $length characters of the main text"
coloured=$(grep -o '<span style="background: \?rgb([0-9, ]*);\?" title="unit [0-9]*: -\?[0-9.]*">' "$work/dom.html" | wc -l)
[ "$coloured" -eq "$length" ] || fail "$coloured main-text spans recoloured by the script; expected $length"

# A link to another unit goes through the menu's change handler: the page must then show that unit.
chromium "${flags[@]}" --dump-dom "file://$work/page.html#unit=7" > "$work/dom7.html" 2>> "$work/console.txt"
body7=$(grep -o '<body[^>]*>' "$work/dom7.html" | head -1)
[[ $body7 == *'data-status="ready"'* && $body7 == *'data-unit="7"'* && $body7 != *'data-error='* ]] || fail "#unit=7 did not show unit 7: $body7"
recoloured7=$(grep -o 'title="unit 7: -\?[0-9.]*"' "$work/dom7.html" | wc -l)
[ "$recoloured7" -eq "$length" ] || fail "#unit=7 recoloured $recoloured7 spans; expected $length"
! grep -q 'Uncaught' "$work/console.txt" || fail "script error in the console: $(grep 'Uncaught' "$work/console.txt")"

chromium "${flags[@]}" --window-size=1280,1500 --screenshot="$png" "file://$work/page.html" 2> "$work/screenshot.txt"
[ "$(head -c 8 "$png" | od -An -tx1 | tr -d ' \n')" = "89504e470d0a1a0a" ] || fail "no PNG at $png"
size=$(stat -c %s "$png")
[ "$size" -gt 20000 ] || fail "the screenshot is $size bytes; a page of coloured text is larger"
echo "ok: the page rendered without script errors; $spans coloured spans ($coloured recoloured by the script); screenshot $png ($size bytes)"
