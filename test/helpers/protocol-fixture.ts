import { ethers } from "ethers";
import hre from "hardhat";
import { deployCoffer } from "../../deploy/deploy";
import type { DeploymentManifest } from "../../deploy/manifest";
import { devPrivateKey } from "../../scripts/lib/local-chain";
import { execSafeCall } from "../../scripts/lib/safe-exec";
import { createCofferClient } from "../../sdk/src/client";
import type { MockERC20 } from "../../typechain-types";
import { readDeploymentManifest } from "../../sdk/src/node";

/** Signer indexes of the treasury Safe's owners (2 of 3), the same in every suite. */
const OWNER_INDEXES = [1, 2, 3] as const;

/**
 * Coffer deployed on the in-process Hardhat chain exactly as on a local chain (deterministic addresses, real
 * Safe v1.4.1 contracts, a 2-of-3 treasury Safe owning the escrow), reached through the SDK's client as an app
 * would reach it. Every module's fixture starts here, so the deployment is written once.
 *
 * The addresses are deterministic and shared by every test file run in one process, so a Safe or token state set
 * by one file's fixture may be seen by another: assert on balance changes, not absolute balances.
 */
export async function deployProtocol() {
  const signers = await hre.ethers.getSigners();
  const deployer = signers[0]!;
  const owners = OWNER_INDEXES.map((index) => signers[index]!);
  const { manifest } = await deployCoffer({
    signer: deployer,
    network: "hardhat",
    local: true,
    readArtifact: (name) => hre.artifacts.readArtifact(name),
    deploymentsDir: hre.config.paths.cache,
    treasuryOwners: owners.map((owner) => owner.address),
  });
  const client = await createCofferClient({
    runner: deployer,
    manifest: readDeploymentManifest(hre.config.paths.cache, 31337),
  });
  const tokenAt = async (name: string) =>
    (await hre.ethers.getContractAt("MockERC20", manifest.contracts[name]!.address)) as unknown as MockERC20;
  const treasurySafe = manifest.treasurySafe!.address;

  /**
   * Executes a call from the treasury Safe with two owners' signatures, sent by `sender` (the deployer unless
   * told): how every policy change reaches a module.
   */
  const asTreasurySafe = (to: string, data: string, sender: ethers.Signer = deployer) =>
    execSafeCall(treasurySafe, [devPrivateKey(OWNER_INDEXES[0]), devPrivateKey(OWNER_INDEXES[1])], sender, {
      to,
      data,
    });

  return {
    manifest: manifest as DeploymentManifest,
    client,
    escrow: client.escrow,
    subscriptions: client.subscriptions,
    treasury: client.treasury,
    splitFactory: client.splitFactory,
    usdc: await tokenAt("TestUSDC"),
    dai: await tokenAt("TestDAI"),
    treasurySafe,
    asTreasurySafe,
    deployer,
    owners,
    /** Every signer, for the suites that name their own roles by index. */
    signers,
  };
}

export type Protocol = Awaited<ReturnType<typeof deployProtocol>>;
