#!/usr/bin/env bash
# Smoke test of the built bundle: --version, the practice account on the command line, and the
# wizard opened offscreen for a few seconds without errors.
set -euo pipefail
bundle="${1:-build/dist/rootwarden}"
bin="$bundle/rootwarden"
scratch=$(mktemp -d)
trap 'rm -rf "$scratch"' EXIT

"$bin" --version | tee "$scratch/version"
grep -q "^rootwarden [0-9]" "$scratch/version"

set +e
"$bin" verify --demo --format json > "$scratch/demo.json" 2> "$scratch/demo.err"
code=$?
set -e
if [ "$code" -ne 1 ]; then echo "verify --demo exited $code (expected 1)"; cat "$scratch/demo.err"; exit 1; fi
grep -q '"schema": "rootwarden/verify-v1"' "$scratch/demo.json"
echo "verify --demo: exit 1 and the verify-v1 checklist, as expected"

QT_QPA_PLATFORM=offscreen ROOTWARDEN_SMOKE_SECONDS=4 HOME="$scratch" "$bin" --demo 2> "$scratch/wizard.err"
if grep -Eq "Traceback|Error|error" "$scratch/wizard.err"; then echo "the wizard printed errors:"; cat "$scratch/wizard.err"; exit 1; fi
echo "wizard: opened offscreen and closed cleanly"
echo "smoke test passed ($(du -sh "$bundle" | cut -f1))"
