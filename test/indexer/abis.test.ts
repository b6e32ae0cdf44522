import { expect } from "chai";
import fs from "node:fs";
import path from "node:path";
import { ABI_SOURCES, renderAbiFiles } from "../../indexer/scripts/abis";

const ROOT = path.join(__dirname, "..", "..");
const ABI_DIR = path.join(ROOT, "indexer", "abis");

describe("indexer ABIs", function () {
  it("are what indexer/scripts/abis.ts writes from the current build (run it after changing an event)", async function () {
    const expected = await renderAbiFiles(ROOT);
    const committed = fs.readdirSync(ABI_DIR).sort();
    expect(committed).to.deep.equal([...expected.keys()].sort());
    for (const [file, content] of expected) {
      expect(fs.readFileSync(path.join(ABI_DIR, file), "utf8"), `indexer/abis/${file} is stale`).to.equal(content);
    }
  });

  it("hold every event of each contract's build output", async function () {
    for (const source of ABI_SOURCES) {
      const artifact = JSON.parse(fs.readFileSync(path.join(ROOT, source.artifact), "utf8")) as {
        abi: { type: string; name?: string }[];
      };
      const events = artifact.abi.filter((item) => item.type === "event").map((item) => item.name);
      const generated = fs.readFileSync(path.join(ABI_DIR, `${source.name}.ts`), "utf8");
      for (const name of events) expect(generated, `${source.name}.${name}`).to.include(`name: "${name}"`);
    }
  });
});
