import { expect } from "chai";
import { ethers } from "ethers";
import { startIndexer, type RunningIndexer } from "../../scripts/lib/indexer-process";
import { RebasingToken__factory, type RebasingToken } from "../../typechain-types";
import { startDeployedLocalChain, type DeployedLocalChain } from "../helpers/local-chain";
import { cliEnv, runCli } from "../cli/helpers";
import { ROLES, wallet } from "./drive";
import { freshPglite, gql } from "./helpers";

const CHAIN_ID = 31337;
const lc = (value: string) => value.toLowerCase();

/** A difference as `/reports/reconciliation` and `coffer report reconcile --json` list it. */
interface Difference {
  chainId: number;
  check: string;
  account: string;
  token: string;
  indexed: string;
  onChain: string;
  difference: string;
}

interface Report {
  ok: boolean;
  chains: { chainId: number; block: number; checked: number; differences: Difference[] }[];
}

/**
 * A rebasing token (balances move without `Transfer` events, which Coffer does not support) indexed through
 * `COFFER_TOKENS_31337`: the index equals the chain until a rebase, and then the reconciliation must report every
 * account whose `balanceOf` moved, and `coffer report reconcile` must exit 1.
 */
describe("indexer reconciliation reports balances that moved without Transfer events (a rebasing token, PGlite)", function () {
  this.timeout(90_000);
  let local: DeployedLocalChain;
  let indexer: RunningIndexer;
  let cleanup: () => void = () => undefined;
  let token: RebasingToken;
  let holders: Record<"alice" | "bob" | "carol", string>;

  before(async function () {
    const { database, cleanup: drop } = freshPglite();
    cleanup = drop;
    local = await startDeployedLocalChain();
    const provider = local.chain.provider;
    const deployer = wallet(provider, ROLES.keeper);
    const alice = wallet(provider, ROLES.alice);
    holders = {
      alice: alice.address,
      bob: wallet(provider, ROLES.bob).address,
      carol: wallet(provider, ROLES.arbiter).address,
    };
    token = await (await new RebasingToken__factory(deployer).deploy()).waitForDeployment();
    const startBlock = (await token.deploymentTransaction()?.wait())?.blockNumber ?? 0;
    await (await token.mint(holders.alice, ethers.parseEther("1000"))).wait();
    await (await token.mint(holders.bob, ethers.parseEther("500"))).wait();
    // Alice gives Carol everything: her indexed balance is 0 and stays equal to the chain's after the rebase.
    await (await token.connect(alice).transfer(holders.carol, ethers.parseEther("1000"))).wait();
    indexer = await startIndexer({
      chainId: CHAIN_ID,
      rpcUrl: local.chain.url,
      deploymentsDir: local.deploymentsDir,
      database,
      env: {
        [`COFFER_TOKENS_${CHAIN_ID}`]: `${await token.getAddress()}@${startBlock}`,
        // A configured token is followed for tracked accounts only: the three holders are tracked here.
        [`COFFER_ACCOUNTS_${CHAIN_ID}`]: Object.values(holders).join(","),
      },
    });
    await indexer.waitForBlock(await provider.getBlockNumber());
  });

  after(async function () {
    await indexer?.stop();
    await local?.stop();
    cleanup();
  });

  const reconciliation = async (): Promise<Report> => {
    const response = await fetch(`${indexer.url}/reports/reconciliation`);
    expect(response.status).to.equal(200);
    return (await response.json()) as Report;
  };

  it("equals the chain before the rebase, and lists exactly the rebased accounts after it; the CLI exits 1", async function () {
    const provider = local.chain.provider;
    const address = lc(await token.getAddress());

    // Before: the token's three holders are indexed as on chain, and the reconciliation finds nothing.
    const indexed = await gql<{ tokenBalances: { items: { account: string; balance: string }[] } }>(
      indexer,
      `query ($token: String!) { tokenBalances(where: { chainId: ${CHAIN_ID}, token: $token }) { items { account balance } } }`,
      { token: address },
    );
    expect(indexed.tokenBalances.items).to.have.deep.members([
      { account: lc(holders.alice), balance: "0" },
      { account: lc(holders.bob), balance: ethers.parseEther("500").toString() },
      { account: lc(holders.carol), balance: ethers.parseEther("1000").toString() },
    ]);
    const before = await reconciliation();
    expect(before.ok).to.equal(true);
    expect(before.chains.map((chain) => chain.chainId)).to.deep.equal([CHAIN_ID]);
    expect(before.chains[0]?.differences).to.deep.equal([]);
    const checkedBefore = before.chains[0]?.checked ?? 0;
    expect(checkedBefore).to.be.greaterThan(indexed.tokenBalances.items.length);

    // The rebase: +10% to every balance, no Transfer event.
    const preRebase = await provider.getBlockNumber();
    await (await token.rebase(11n, 10n)).wait();
    await provider.send("anvil_mine", [ethers.toQuantity(1)]);
    const head = await provider.getBlockNumber();
    await indexer.waitForBlock(head);

    const expected: Difference[] = [];
    for (const account of Object.values(holders)) {
      const was = await token.balanceOf(account, { blockTag: preRebase });
      const now = await token.balanceOf(account, { blockTag: head });
      if (was === now) continue;
      expected.push({
        chainId: CHAIN_ID,
        check: "balance",
        account: lc(account),
        token: address,
        indexed: was.toString(),
        onChain: now.toString(),
        difference: (was - now).toString(),
      });
    }
    // Bob's and Carol's balances moved; Alice's (0) did not.
    expect(expected.map((row) => row.account)).to.deep.equal([lc(holders.bob), lc(holders.carol)]);
    expect(expected.map((row) => row.onChain)).to.deep.equal(
      [ethers.parseEther("550"), ethers.parseEther("1100")].map(String),
    );

    const after = await reconciliation();
    expect(after.ok).to.equal(false);
    expect(after.chains).to.have.length(1);
    expect(after.chains[0]?.block).to.be.at.least(head);
    expect(after.chains[0]?.checked).to.equal(checkedBefore);
    expect(after.chains[0]?.differences).to.have.deep.members(expected);
    expect(after.chains[0]?.differences).to.have.length(expected.length);

    // The CLI, as a child process: exit 1, the differing accounts printed; --json prints the same list.
    const env = cliEnv({ COFFER_DEPLOYMENTS_DIR: local.deploymentsDir });
    const readable = await runCli(["report", "reconcile", "--indexer", indexer.url], env);
    expect(readable.code, readable.stderr).to.equal(1);
    expect(readable.stderr).to.contain(`${expected.length} balance(s)`);
    expect(readable.stdout).to.contain(
      `DIFFERENCES found: ${expected.length} indexed balance(s) do not match the chain`,
    );
    expect(readable.stdout).to.contain("difference = indexed - on chain");
    expect(readable.stderr).to.contain("the on-chain figures are authoritative");
    for (const row of expected) {
      const line = readable.stdout.split("\n").find((candidate) => candidate.includes(row.account));
      expect(line, `${row.account} in\n${readable.stdout}`).to.not.equal(undefined);
      expect(line).to.contain(`${row.indexed} units`).and.to.contain(`${row.onChain} units`);
      expect(line).to.contain(`${row.difference} units`);
    }
    expect(readable.stdout).to.not.contain(lc(holders.alice));

    const json = await runCli(["report", "reconcile", "--indexer", indexer.url, "--json"], env);
    expect(json.code, json.stderr).to.equal(1);
    const printed = json.json<Report>();
    expect(printed.ok).to.equal(false);
    expect(printed.chains[0]?.differences).to.have.deep.members(expected);
    expect(printed.chains[0]?.differences).to.have.length(expected.length);
  });
});
