import { execFileSync } from "node:child_process";
import fs from "node:fs";
import path from "node:path";

/** The repository's root and the SDK package's folder. */
export const ROOT = path.join(__dirname, "..", "..");
export const SDK_DIR = path.join(ROOT, "sdk");

/** The newest modification time of the files under `dir` (0 when it does not exist). */
function newestMtime(dir: string, include: (name: string) => boolean = () => true): number {
  if (!fs.existsSync(dir)) return 0;
  let newest = 0;
  for (const entry of fs.readdirSync(dir, { withFileTypes: true, recursive: true })) {
    if (!entry.isFile() || !include(entry.name)) continue;
    newest = Math.max(newest, fs.statSync(path.join(entry.parentPath, entry.name)).mtimeMs);
  }
  return newest;
}

let built = false;

/**
 * Builds the SDK package (`npm run build -w @coffer/sdk`: ABIs and typings from `artifacts/`, then `sdk/dist/`)
 * unless `sdk/dist/` is newer than everything it is built from: its sources, its build settings, the compiled
 * contracts and the shipped deployment manifests. Tests of the built package call it first, so that they never
 * test a stale build.
 */
export function ensureSdkBuilt(): void {
  if (built) return;
  const output = path.join(SDK_DIR, "dist", "index.mjs");
  const outputTime = fs.existsSync(output) ? fs.statSync(output).mtimeMs : 0;
  const inputTime = Math.max(
    newestMtime(path.join(SDK_DIR, "src")),
    newestMtime(path.join(SDK_DIR, "scripts")),
    newestMtime(path.join(ROOT, "artifacts", "contracts")),
    // The build ships every manifest but the local chain's, which local runs rewrite.
    newestMtime(path.join(ROOT, "deployments"), (name) => /^[0-9]+\.json$/.test(name) && name !== "31337.json"),
    ...["package.json", "tsup.config.ts", "tsconfig.json"].map((file) => fs.statSync(path.join(SDK_DIR, file)).mtimeMs),
  );
  if (outputTime === 0 || inputTime > outputTime) {
    execFileSync("npm", ["run", "build", "-w", "@coffer/sdk"], { cwd: ROOT, stdio: "pipe", timeout: 240_000 });
  }
  built = true;
}
