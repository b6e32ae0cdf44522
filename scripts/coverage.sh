#!/usr/bin/env sh
# `npm run coverage`: solidity-coverage of the contract suites, then the gate (scripts/coverage-check.ts).
set -eu
export COFFER_COVERAGE=true
# The invariant suites' full runs are in `npm test`; here they only need to reach the code (an earlier comparison:
# 10 runs covered the same lines and branches as the full 120).
export INVARIANT_RUNS="${INVARIANT_RUNS:-30}"
status=0
npx hardhat coverage --testfiles 'test/{escrow,subscriptions,splits,treasury,channels,invariants}/**/*.ts' || status=$?
# solidity-coverage leaves instrumented artifacts and typings behind: rebuild them, unless the checkout is thrown away
# after this (CI sets COVERAGE_SKIP_REBUILD=true: a full compile takes minutes).
if [ "${COVERAGE_SKIP_REBUILD:-}" != "true" ]; then npx hardhat compile --force; fi
[ "$status" -eq 0 ] || exit "$status"
npm run coverage:check
