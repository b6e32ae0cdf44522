/**
 * `npm run chain`: a local chain with everything a fresh chain lacks installed (the deterministic deployment
 * proxy, the Safe v1.4.1 contracts), Coffer deployed and a 2-of-3 treasury Safe created. Prints the accounts
 * and addresses, then serves until stopped. The port comes from CHAIN_PORT (default 8545).
 */
import path from "node:path";
import hre from "hardhat";
import { deployCoffer } from "../deploy/deploy";
import { defaultDeploymentsDir } from "../deploy/manifest";
import { localChainPort } from "../deploy/networks";
import { devPrivateKey, startLocalChain } from "./lib/local-chain";

const ROLES = ["deployer", "treasury signer 1", "treasury signer 2", "treasury signer 3"];

async function main(): Promise<void> {
  const port = localChainPort();
  const chain = await startLocalChain({ port });
  const stop = (): void => {
    void chain.stop().then(() => process.exit(0));
  };
  process.on("SIGINT", stop);
  process.on("SIGTERM", stop);

  console.log(`Local chain (${chain.kind}) at ${chain.url}, chain id 31337`);
  const accounts = await chain.provider.listAccounts();
  const deployer = accounts[0];
  if (deployer === undefined) throw new Error("The local chain has no accounts");
  const result = await deployCoffer({
    signer: deployer,
    network: "local",
    local: true,
    readArtifact: (name) => hre.artifacts.readArtifact(name),
    deploymentsDir: defaultDeploymentsDir(),
    treasuryOwners: accounts.slice(1, 4).map((account) => account.address),
    log: (line) => console.log(line),
  });
  const { manifest } = result;

  console.log("\nAccounts (development keys: never use them on a public network)");
  for (let index = 0; index < 6; index++) {
    const account = accounts[index];
    if (account === undefined) break;
    console.log(
      `  ${String(index).padEnd(2)} ${account.address}  ${devPrivateKey(index)}  ${ROLES[index] ?? "customer"}`,
    );
  }
  console.log("\nCoffer contracts");
  for (const [name, record] of Object.entries(manifest.contracts))
    console.log(`  ${name.padEnd(28)} ${record.address}`);
  console.log("\nSafe v1.4.1");
  for (const [name, record] of Object.entries(manifest.safe?.contracts ?? {})) {
    console.log(`  ${name.padEnd(28)} ${record.address}`);
  }
  if (manifest.treasurySafe !== undefined) {
    const { address, threshold, owners } = manifest.treasurySafe;
    console.log(`  ${"Treasury Safe".padEnd(28)} ${address}  (${threshold}-of-${owners.length})`);
  }
  console.log(`\nManifest: ${path.relative(process.cwd(), result.manifestFile ?? "")}`);
  console.log(`Ready. RPC ${chain.url}. Press Ctrl-C to stop.`);
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});
