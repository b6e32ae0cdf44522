#!/usr/bin/env sh
# `npm run coverage`: solidity-coverage of the contract suites, then the gate (scripts/coverage-check.ts).
set -eu
export COFFER_COVERAGE=true
status=0
npx hardhat coverage --testfiles 'test/{escrow,subscriptions,splits,treasury,channels,invariants}/**/*.ts' || status=$?
# solidity-coverage leaves instrumented typings behind: rebuild them.
npx hardhat compile --force
[ "$status" -eq 0 ] || exit "$status"
npm run coverage:check
