import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { describeEndToEnd } from "./e2e";

describeEndToEnd("PGlite", () => {
  const directory = fs.mkdtempSync(path.join(os.tmpdir(), "coffer-pglite-"));
  return {
    database: { kind: "pglite", directory },
    cleanup: () => fs.rmSync(directory, { recursive: true, force: true }),
  };
});
