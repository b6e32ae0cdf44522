import fs from "node:fs";
import path from "node:path";
import { expect } from "chai";
import {
  CofferContractNotDeployedError,
  CofferDeploymentNotFoundError,
  getContractAddress,
  getDeployment,
  knownChainIds,
} from "../../sdk/src";
import { readDeploymentManifest } from "../../sdk/src/node";
import { startDeployedLocalChain, type DeployedLocalChain } from "../helpers/local-chain";

describe("sdk: deployments", function () {
  let local: DeployedLocalChain;
  before(async function () {
    local = await startDeployedLocalChain();
  });
  after(async function () {
    await local.stop();
  });

  it("reads a chain's manifest and a contract's address by chain id", function () {
    const manifest = readDeploymentManifest(local.deploymentsDir, 31337);
    expect(manifest).to.deep.equal(local.first.manifest);
    expect(getContractAddress(manifest, "TestUSDC")).to.equal(local.first.manifest.contracts["TestUSDC"]!.address);
  });

  describe("when the chain has no deployment", function () {
    it("throws an error naming the chain and how to deploy", function () {
      expect(() => readDeploymentManifest(local.deploymentsDir, 999))
        .to.throw(CofferDeploymentNotFoundError, /not deployed on chain 999/)
        .with.property("chainId", 999);
      expect(() => getDeployment(999))
        .to.throw(CofferDeploymentNotFoundError, /not deployed on chain 999/)
        .with.property("chainId", 999);
    });
  });

  it("carries the manifest of every public chain in deployments/, and not the local chain's", function () {
    const shipped = fs
      .readdirSync(path.join(__dirname, "..", "..", "deployments"))
      .filter((name) => /^[0-9]+\.json$/.test(name) && name !== "31337.json")
      .map((name) => Number(name.replace(".json", "")));
    expect(knownChainIds().sort()).to.deep.equal(shipped.sort());
    for (const chainId of shipped) expect(getDeployment(chainId).chainId).to.equal(chainId);
    expect(knownChainIds()).to.not.include(31337);
  });

  describe("when the manifest lacks the contract", function () {
    it("throws an error naming the contract and the chain", function () {
      expect(() => getContractAddress(local.first.manifest, "Nothing")).to.throw(
        CofferContractNotDeployedError,
        "Coffer's Nothing is not deployed on chain 31337",
      );
    });
  });
});
