/**
 * `npm run chain`: a local chain with everything a fresh chain lacks installed (the deterministic deployment
 * proxy, the Safe v1.4.1 contracts), Coffer deployed and a 2-of-3 treasury Safe created. Prints the accounts
 * and addresses, then serves until stopped. The port comes from CHAIN_PORT (default 8545). The accounts labelled
 * "customer" get test tokens, so that a first `coffer invoice pay` works; `coffer faucet` mints more.
 */
import path from "node:path";
import { ethers } from "ethers";
import hre from "hardhat";
import { deployCoffer } from "../deploy/deploy";
import { defaultDeploymentsDir } from "../deploy/manifest";
import { localChainPort } from "../deploy/networks";
import { MockERC20__factory } from "../typechain-types";
import { devPrivateKey, startLocalChain } from "./lib/local-chain";

const ROLES = ["deployer", "treasury signer 1", "treasury signer 2", "treasury signer 3"];
/** What each customer account starts with, of each test token, in the token's units. */
const CUSTOMER_TOKENS = "10000";

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

  // Customers start with test tokens: a new user's first payment should not fail for an empty balance.
  const testTokens = Object.entries(manifest.contracts).filter(([name]) => name.startsWith("Test"));
  const customers = accounts.slice(ROLES.length, 6);
  const funded: string[] = [];
  for (const [, record] of testTokens) {
    const token = MockERC20__factory.connect(record.address, deployer);
    const [symbol, decimals] = await Promise.all([token.symbol(), token.decimals()]);
    for (const customer of customers) {
      await (await token.mint(customer.address, ethers.parseUnits(CUSTOMER_TOKENS, decimals))).wait();
    }
    funded.push(`${CUSTOMER_TOKENS} ${symbol}`);
  }

  console.log("\nAccounts (development keys: never use them on a public network)");
  for (let index = 0; index < 6; index++) {
    const account = accounts[index];
    if (account === undefined) break;
    const role = ROLES[index] ?? `customer, ${funded.join(" and ")}`;
    console.log(`  ${String(index).padEnd(2)} ${account.address}  ${devPrivateKey(index)}  ${role}`);
  }
  console.log("  More test tokens: coffer faucet --to <address> [--token tUSDC] [--amount 1000] [--eth 10]");
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
