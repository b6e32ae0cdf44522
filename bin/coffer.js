#!/usr/bin/env node
/**
 * The `coffer` command. Runs the build (`cli/dist/index.js`, one bundle made by `npm run compile`) when it is newer
 * than every source file, so that it starts fast; otherwise the TypeScript sources through tsx (esbuild: no type
 * check at start, `npm run typecheck` checks the types), so that an edit needs no build step.
 */
/* eslint-disable @typescript-eslint/no-require-imports -- a CommonJS shim loaded by node directly */
"use strict";
const fs = require("node:fs");
const path = require("node:path");

const cli = path.join(__dirname, "..", "cli");
const built = path.join(cli, "dist", "index.js");

/** Whether the build exists and no source under cli/ changed after it. */
function buildIsCurrent() {
  let builtAt;
  try {
    builtAt = fs.statSync(built).mtimeMs;
  } catch {
    return false;
  }
  for (const file of fs.readdirSync(cli, { recursive: true })) {
    if (typeof file !== "string" || !file.endsWith(".ts") || file.startsWith("dist")) continue;
    if (fs.statSync(path.join(cli, file)).mtimeMs > builtAt) return false;
  }
  return true;
}

if (buildIsCurrent()) {
  require(built).run();
} else {
  // Both hooks: `require` of the sources, and the lazy `import()`s of rarely used commands.
  require("tsx/cjs/api").register();
  require("tsx/esm/api").register();
  require(path.join(cli, "index.ts")).run();
}
