/**
 * Mocha's spec reporter, plus the time each test file took, slowest first, at the end of the run: CI has a time
 * budget, and this is where to look when it grows. `TEST_TIMINGS_FILE=<path>` also writes them as JSON.
 */
"use strict";
const fs = require("node:fs");
const path = require("node:path");
const Mocha = require("mocha");

const { EVENT_SUITE_BEGIN, EVENT_SUITE_END, EVENT_RUN_END } = Mocha.Runner.constants;
const SHOWN = 25;

class TimedSpec extends Mocha.reporters.Spec {
  constructor(runner, options) {
    super(runner, options);
    const seconds = new Map();
    const started = new Map();
    const fileOf = (suite) => path.relative(process.cwd(), suite.file ?? "(no file)");
    runner.on(EVENT_SUITE_BEGIN, (suite) => {
      // Top-level suites only: a file's time is its top-level suites' time, hooks included.
      if (suite.parent?.root) started.set(suite, process.hrtime.bigint());
    });
    runner.on(EVENT_SUITE_END, (suite) => {
      const begin = started.get(suite);
      if (begin === undefined) return;
      const file = fileOf(suite);
      seconds.set(file, (seconds.get(file) ?? 0) + Number(process.hrtime.bigint() - begin) / 1e9);
    });
    runner.once(EVENT_RUN_END, () => {
      const rows = [...seconds].sort((a, b) => b[1] - a[1]);
      const total = rows.reduce((sum, [, s]) => sum + s, 0);
      console.log(`\n  Slowest test files (${rows.length} files, ${(total / 60).toFixed(1)} min in all):`);
      for (const [file, s] of rows.slice(0, SHOWN)) console.log(`  ${s.toFixed(1).padStart(8)} s  ${file}`);
      if (process.env.TEST_TIMINGS_FILE) {
        fs.writeFileSync(process.env.TEST_TIMINGS_FILE, JSON.stringify(Object.fromEntries(rows), null, 2) + "\n");
      }
    });
  }
}

module.exports = TimedSpec;
