import { spawnSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { expect } from "chai";

const BIN = path.join(__dirname, "..", "..", "bin", "coffer.js");

/** A copy of bin/coffer.js beside a `cli/` folder with one source file and a stand-in build. */
function layout(): { root: string; source: string; run(): { stdout: string; stderr: string } } {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), "coffer-bin-"));
  fs.mkdirSync(path.join(root, "bin"));
  fs.mkdirSync(path.join(root, "cli", "dist"), { recursive: true });
  fs.copyFileSync(BIN, path.join(root, "bin", "coffer.js"));
  const source = path.join(root, "cli", "index.ts");
  fs.writeFileSync(source, "export function run() {}\n");
  fs.writeFileSync(path.join(root, "cli", "dist", "index.js"), 'exports.run = () => console.log("the build ran");\n');
  const past = new Date(Date.now() - 60_000);
  fs.utimesSync(source, past, past);
  return {
    root,
    source,
    run: () => {
      const result = spawnSync(process.execPath, [path.join(root, "bin", "coffer.js")], { encoding: "utf8" });
      return { stdout: result.stdout, stderr: result.stderr };
    },
  };
}

describe("cli: bin/coffer.js runs the build when it is current, else the sources", function () {
  it("runs cli/dist/index.js when no source changed after it", function () {
    const { root, run } = layout();
    try {
      expect(run().stdout).to.equal("the build ran\n");
    } finally {
      fs.rmSync(root, { recursive: true, force: true });
    }
  });

  it("runs the TypeScript sources through tsx once a source is newer than the build", function () {
    const { root, source, run } = layout();
    try {
      const future = new Date(Date.now() + 60_000);
      fs.utimesSync(source, future, future);
      // The copy has no node_modules: reaching for tsx is what shows that the sources were chosen.
      const { stdout, stderr } = run();
      expect(stdout).to.equal("");
      expect(stderr).to.match(/Cannot find module 'tsx\/cjs\/api'/);
    } finally {
      fs.rmSync(root, { recursive: true, force: true });
    }
  });
});
