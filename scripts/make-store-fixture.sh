#!/bin/sh
# Re-makes Tests/OutcomesCoreTests/Fixtures/store-602aa05/outcomes.db: a store written by the
# first release (commit 602aa05, before the store was versioned), from the golden fixture
# extracts (a slice of the synthetic shipped sample). StoreUpgradeTests opens it with the current
# code to prove an old store is upgraded, loaded into and reported from.
#
# Usage: scripts/make-store-fixture.sh   (from the repository root; builds 602aa05 in /tmp)
set -eu
repo=$(pwd)
old=/tmp/outcomes-602aa05
[ -d "$old" ] || git worktree add --detach "$old" 602aa05
(cd "$old" && swift build -c release --product outcomes)
work=$(mktemp -d)
"$old/.build/release/outcomes" run --extracts "$repo/Tests/OutcomesCoreTests/Fixtures/golden/extracts" \
    --db "$work/outcomes.db" --out "$work/out" --period 2026-10 --queries none --quiet
mkdir -p "$repo/Tests/OutcomesCoreTests/Fixtures/store-602aa05"
cp "$work/outcomes.db" "$repo/Tests/OutcomesCoreTests/Fixtures/store-602aa05/outcomes.db"
rm -rf "$work"
ls -l "$repo/Tests/OutcomesCoreTests/Fixtures/store-602aa05/outcomes.db"
