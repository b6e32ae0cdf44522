/** What a results file records about its run: the commit, the machine and the versions of the tools. */
import { execFileSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import type { Machine } from "./results";

/** The commit checked out, and whether the work tree has changes; "unknown" outside a Git checkout. */
export function gitCommit(cwd: string = process.cwd()): { commit: string; dirty: boolean } {
  try {
    const commit = execFileSync("git", ["rev-parse", "HEAD"], { cwd, encoding: "utf8" }).trim();
    const status = execFileSync("git", ["status", "--porcelain", "--untracked-files=no"], { cwd, encoding: "utf8" });
    return { commit, dirty: status.trim() !== "" };
  } catch {
    return { commit: "unknown", dirty: false };
  }
}

/** The CPU model, logical cores, operating system and memory of this machine. */
export function machineInfo(): Machine {
  const cpus = os.cpus();
  return {
    cpu: cpus[0]?.model.trim() ?? "unknown",
    cores: Math.max(1, cpus.length),
    os: `${os.type()} ${os.release()} (${os.arch()})`,
    memoryGiB: Math.round((os.totalmem() / 2 ** 30) * 10) / 10,
  };
}

/**
 * The installed version of an npm package, or "unknown". Packages whose `exports` hide their package.json are
 * found by walking up from their entry point.
 */
export function packageVersion(name: string): string {
  try {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    return (require(`${name}/package.json`) as { version: string }).version;
  } catch {
    try {
      let dir = path.dirname(require.resolve(name));
      while (dir !== path.dirname(dir)) {
        const file = path.join(dir, "package.json");
        if (fs.existsSync(file)) {
          const manifest = JSON.parse(fs.readFileSync(file, "utf8")) as { name?: string; version?: string };
          if (manifest.name === name && manifest.version !== undefined) return manifest.version;
        }
        dir = path.dirname(dir);
      }
    } catch {
      // An ES module whose exports hide its package.json from require: read it where npm installed it.
    }
    const installed = path.join(__dirname, "..", "node_modules", name, "package.json");
    if (fs.existsSync(installed))
      return (JSON.parse(fs.readFileSync(installed, "utf8")) as { version: string }).version;
    return "unknown";
  }
}
