import { task } from "hardhat/config";
import { deployCoffer } from "./deploy";
import { defaultDeploymentsDir } from "./manifest";
import { ADMIN_ENV, requireNetwork } from "./networks";

task("deploy", "Deploys every Coffer contract at its deterministic address and writes deployments/<chainId>.json")
  .addFlag("dryRun", "Print the predicted addresses without sending anything")
  .setAction(async ({ dryRun }: { dryRun: boolean }, hre) => {
    const local = hre.network.name === "hardhat" || requireNetwork(hre.network.name).local;
    const [deployer, ...others] = await hre.ethers.getSigners();
    if (deployer === undefined) {
      throw new Error(`No deployer account on network "${hre.network.name}": set DEPLOYER_PRIVATE_KEY`);
    }
    console.log(`${dryRun ? "Predicting" : "Deploying"} Coffer on ${hre.network.name} as ${deployer.address}`);
    const result = await deployCoffer({
      signer: deployer,
      network: hre.network.name,
      local,
      dryRun,
      admin: local ? undefined : process.env[ADMIN_ENV],
      readArtifact: (name) => hre.artifacts.readArtifact(name),
      deploymentsDir: defaultDeploymentsDir(),
      treasuryOwners: others.slice(0, 3).map((signer) => signer.address),
      log: (line) => console.log(line),
    });
    if (result.manifestFile !== undefined) {
      console.log(
        `${result.deployed.length} contract(s) deployed, ${result.transactionsSent} transaction(s) sent; ` +
          `manifest: ${result.manifestFile}`,
      );
    }
  });
