import { expect } from "chai";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { loadSettings } from "../../indexer/src/settings";

const ESCROW = "0x00000000000000000000000000000000000000e1";
const CHANNELS = "0x00000000000000000000000000000000000000c1";

/** A manifest of chain 31337 with these contracts, in a folder of its own; returns the settings read from it. */
function settingsOf(contracts: Record<string, { contract: string; address: string; deploymentBlock: number }>) {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "coffer-settings-"));
  try {
    fs.writeFileSync(path.join(dir, "31337.json"), JSON.stringify({ chainId: 31337, contracts }));
    const [chain] = loadSettings({
      COFFER_DEPLOYMENTS_DIR: dir,
      COFFER_CHAIN_IDS: "31337",
      PONDER_RPC_URL_31337: "http://127.0.0.1:8545",
    });
    if (chain === undefined) throw new Error("no chain");
    return chain;
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

describe("indexer settings: the channels contract", function () {
  it("is indexed from the manifest's CofferChannels address and deployment block, and tracked", function () {
    const chain = settingsOf({
      CofferEscrow: { contract: "CofferEscrow", address: ESCROW, deploymentBlock: 3 },
      CofferChannels: {
        contract: "CofferChannels",
        address: CHANNELS.toUpperCase().replace("0X", "0x"),
        deploymentBlock: 7,
      },
    });
    expect(chain.channels).to.deep.equal({ address: CHANNELS, startBlock: 7 });
    expect(chain.trackedAccounts).to.include(CHANNELS);
  });

  it("is absent, not an error, in a manifest written before the channels were deployed", function () {
    const chain = settingsOf({ CofferEscrow: { contract: "CofferEscrow", address: ESCROW, deploymentBlock: 3 } });
    expect(chain.channels).to.equal(undefined);
    expect(chain.escrow).to.deep.equal({ address: ESCROW, startBlock: 3 });
    expect(chain.trackedAccounts).to.deep.equal([ESCROW]);
  });
});
