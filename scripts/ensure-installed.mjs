#!/usr/bin/env node
/**
 * Installs the dependencies package-lock.json pins (`npm ci`) when node_modules is missing or older than the lock
 * file, so that a fresh clone needs only `npm run demo` or `npm test`. Plain Node, no dependencies: it runs first.
 */
import { spawnSync } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";

const root = path.join(path.dirname(fileURLToPath(import.meta.url)), "..");
const lock = path.join(root, "package-lock.json");
// npm writes this copy of the lock file at the end of every install.
const installed = path.join(root, "node_modules", ".package-lock.json");

function mtime(file) {
  try {
    return fs.statSync(file).mtimeMs;
  } catch {
    return undefined;
  }
}

const installedAt = mtime(installed);
if (installedAt !== undefined && installedAt >= (mtime(lock) ?? 0)) process.exit(0);
console.error("Installing the dependencies package-lock.json pins (npm ci)…");
const npm = process.platform === "win32" ? "npm.cmd" : "npm";
const result = spawnSync(npm, ["ci", "--no-audit", "--no-fund"], { cwd: root, stdio: "inherit" });
process.exit(result.status ?? 1);
