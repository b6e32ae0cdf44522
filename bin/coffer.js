#!/usr/bin/env node
/**
 * The `coffer` command. Runs the TypeScript sources through tsx (esbuild: no type check at start, `npm run
 * typecheck` checks the types), so the CLI needs no build step and starts in about a second.
 */
/* eslint-disable @typescript-eslint/no-require-imports -- a CommonJS shim loaded by node directly */
"use strict";
const path = require("node:path");

// Both hooks: `require` of the sources, and the lazy `import()`s of rarely used commands.
require("tsx/cjs/api").register();
require("tsx/esm/api").register();
require(path.join(__dirname, "..", "cli", "index.ts")).run();
