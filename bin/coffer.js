#!/usr/bin/env node
/**
 * The `coffer` command. Runs the TypeScript sources through ts-node in transpile-only mode (no type check at
 * start; `npm run typecheck` checks the types), so the CLI needs no build step.
 */
/* eslint-disable @typescript-eslint/no-require-imports -- a CommonJS shim loaded by node directly */
"use strict";
const path = require("node:path");

const root = path.join(__dirname, "..");
require("ts-node").register({ transpileOnly: true, project: path.join(root, "tsconfig.json") });
require(path.join(root, "sdk", "cli", "index.ts")).run();
