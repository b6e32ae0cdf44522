import { expect } from "chai";
import { ethers } from "ethers";
import { startIndexer, type RunningIndexer } from "../../scripts/lib/indexer-process";
import { SpamERC20__factory, type SpamERC20 } from "../../typechain-types";
import { startDeployedLocalChain, type DeployedLocalChain } from "../helpers/local-chain";
import { ROLES, wallet } from "./drive";
import { allRows, freshPglite } from "./helpers";

const CHAIN_ID = 31337;
const lc = (value: string) => value.toLowerCase();

/**
 * A configured token (`COFFER_TOKENS_31337`) is followed only where it touches a tracked account (Coffer's
 * contracts, the treasury Safe, `COFFER_ACCOUNTS_31337`): its unrelated traffic makes no rows, a tracked account's
 * balance is complete, and a transfer between two tracked accounts is counted once.
 */
describe("indexer follows a configured token only for tracked accounts (PGlite)", function () {
  this.timeout(120_000);
  let local: DeployedLocalChain;
  let indexer: RunningIndexer;
  let cleanup: () => void = () => undefined;
  let token: SpamERC20;
  let people: Record<"alice" | "bob" | "dave" | "erin", string>;
  let safe: string;

  before(async function () {
    const { database, cleanup: drop } = freshPglite();
    cleanup = drop;
    local = await startDeployedLocalChain();
    const provider = local.chain.provider;
    const deployer = wallet(provider, ROLES.keeper);
    const alice = wallet(provider, ROLES.alice);
    const dave = wallet(provider, ROLES.merchant);
    people = {
      alice: alice.address,
      bob: wallet(provider, ROLES.bob).address,
      dave: dave.address,
      erin: wallet(provider, ROLES.arbiter).address,
    };
    safe = local.first.manifest.treasurySafe?.address ?? "";
    expect(safe).to.match(/^0x/);
    token = await (await new SpamERC20__factory(deployer).deploy("Busy USD", "BUSD", 6)).waitForDeployment();
    const startBlock = (await token.deploymentTransaction()?.wait())?.blockNumber ?? 0;
    const send = async (tx: Promise<ethers.ContractTransactionResponse>) => (await (await tx).wait())?.status;
    await send(token.mint(people.alice, 1_000n)); // to a tracked account
    await send(token.mint(people.dave, 500n)); // untracked: not indexed
    await send(token.connect(dave).transfer(people.erin, 100n)); // untracked to untracked: not indexed
    await send(token.connect(alice).transfer(people.bob, 300n)); // tracked to tracked: once
    await send(token.connect(alice).transfer(people.dave, 50n)); // tracked to untracked
    await send(token.connect(dave).transfer(safe, 20n)); // untracked to the treasury Safe
    await send(token.spam(1n, 200n)); // made-up accounts
    indexer = await startIndexer({
      chainId: CHAIN_ID,
      rpcUrl: local.chain.url,
      deploymentsDir: local.deploymentsDir,
      database,
      env: {
        [`COFFER_TOKENS_${CHAIN_ID}`]: `${await token.getAddress()}@${startBlock}`,
        [`COFFER_ACCOUNTS_${CHAIN_ID}`]: [people.alice, people.bob].join(","),
      },
    });
    await indexer.waitForBlock(await provider.getBlockNumber());
  });

  after(async function () {
    await indexer?.stop();
    await local?.stop();
    cleanup();
  });

  it("indexes only the transfers that touch a tracked account, each once, and tracked balances equal the chain", async function () {
    const address = lc(await token.getAddress());
    const where = `{ chainId: ${CHAIN_ID}, token: "${address}" }`;
    const balances = await allRows<{ account: string; balance: string }>(indexer, "tokenBalances", "account balance", {
      where,
    });
    const byAccount = Object.fromEntries(balances.map((row) => [row.account, row.balance]));
    // dave: only his transfers with tracked accounts (+50 from alice, -20 to the Safe), not his wallet balance.
    expect(byAccount).to.deep.equal({
      [lc(people.alice)]: "650",
      [lc(people.bob)]: "300",
      [lc(people.dave)]: "30",
      [lc(safe)]: "20",
    });
    for (const who of [people.alice, people.bob, safe]) {
      expect(byAccount[lc(who)], `balance of ${who}`).to.equal((await token.balanceOf(who)).toString());
    }
    const activity = await allRows<{ transactionHash: string }>(indexer, "activitys", "transactionHash", { where });
    // Four indexed transfers (mint to alice, alice→bob, alice→dave, dave→Safe): two rows each, and the mint's
    // zero address has none.
    expect(activity).to.have.length(7);
  });

  it("reconciles the complete balances (tracked accounts) and finds no difference", async function () {
    const report = (await (await fetch(`${indexer.url}/reports/reconciliation`)).json()) as {
      ok: boolean;
      chains: { differences: unknown[] }[];
    };
    expect(report.chains[0]?.differences).to.deep.equal([]);
    expect(report.ok).to.equal(true);
  });
});
