import { expect } from "chai";
import { ethers } from "ethers";
import { startIndexer, type RunningIndexer } from "../../scripts/lib/indexer-process";
import { createIndexerClient, IndexerQueryError } from "../../sdk/src/indexer";
import { startDeployedLocalChain, type DeployedLocalChain } from "../helpers/local-chain";
import { driveCoffer, ROLES, wallet, type DriveResult } from "./drive";
import { freshPglite } from "./helpers";

const CHAIN_ID = 31337;
const lc = (value: string) => value.toLowerCase();

interface Report {
  chainId: number;
  block: number;
  symbol: string;
  decimals: number;
  balances: { account: string; kinds: string[]; balance: string; formatted: string }[];
}

/**
 * Plain ETH leaves no log for EOAs and splits: `/reports/native-balances` reads `eth_getBalance` at the indexed block,
 * so ETH sent to the treasury Safe, a split, a merchant and a stranger with no Coffer event shows exactly.
 */
describe("indexer /reports/native-balances (plain ETH of tracked accounts at the indexed block, PGlite)", function () {
  this.timeout(180_000);
  let local: DeployedLocalChain;
  let indexer: RunningIndexer;
  let cleanup: () => void = () => undefined;
  let drive: DriveResult;
  const stranger = lc(ethers.Wallet.createRandom().address);

  before(async function () {
    const { database, cleanup: drop } = freshPglite();
    cleanup = drop;
    local = await startDeployedLocalChain();
    drive = await driveCoffer({ rpcUrl: local.chain.url, deploymentsDir: local.deploymentsDir });
    const provider = local.chain.provider;
    const sender = wallet(provider, ROLES.alice);
    const send = async (to: string, ether: string) =>
      (await sender.sendTransaction({ to, value: ethers.parseEther(ether) })).wait();
    // Plain ETH with no Coffer event (the Safe's receive() logs SafeReceived; the split and the EOAs log nothing).
    await send(drive.treasurySafe, "1.25");
    await send(drive.splits[0] as string, "0.5");
    await send(drive.accounts.merchant as string, "0.75");
    await send(stranger, "0.1");
    indexer = await startIndexer({
      chainId: CHAIN_ID,
      rpcUrl: local.chain.url,
      deploymentsDir: local.deploymentsDir,
      database,
    });
    await indexer.waitForBlock(await provider.getBlockNumber());
  });

  after(async function () {
    await indexer?.stop();
    await local?.stop();
    cleanup();
  });

  const get = async (query: string): Promise<{ status: number; body: unknown }> => {
    const response = await fetch(`${indexer.url}/reports/native-balances?${query}`);
    return { status: response.status, body: await response.json() };
  };

  const indexedBlock = async (): Promise<number> => {
    const status = (await (await fetch(`${indexer.url}/status`)).json()) as Record<
      string,
      { block: { number: number } }
    >;
    return Object.values(status)[0]?.block.number ?? -1;
  };

  it("answers the treasury Safe, every split and the merchants, each equal to getBalance at the indexed block", async function () {
    const { status, body } = await get("kind=treasury,split&kind=merchant");
    expect(status, JSON.stringify(body)).to.equal(200);
    const report = body as Report;
    expect(report.chainId).to.equal(CHAIN_ID);
    expect(report.symbol).to.equal("ETH");
    expect(report.decimals).to.equal(18);
    expect(report.block).to.equal(await indexedBlock());

    const byAccount = new Map(report.balances.map((row) => [row.account, row]));
    expect(byAccount.get(lc(drive.treasurySafe))?.kinds).to.deep.equal(["treasury"]);
    for (const split of drive.splits) expect(byAccount.get(lc(split))?.kinds).to.deep.equal(["split"]);
    expect(byAccount.get(lc(drive.accounts.merchant as string))?.kinds).to.deep.equal(["merchant"]);
    expect(report.balances).to.have.length(1 + drive.splits.length + 1);
    expect(byAccount.has(stranger)).to.equal(false);

    const provider = local.chain.provider;
    for (const row of report.balances) {
      const onChain = await provider.getBalance(row.account, report.block);
      expect(row.balance, row.account).to.equal(onChain.toString());
      expect(row.formatted, row.account).to.equal(ethers.formatEther(onChain).replace(/\.0$/, ""));
    }
    // The ETH sent above is there: the Safe and the split held none before it.
    expect(byAccount.get(lc(drive.treasurySafe))?.balance).to.equal(ethers.parseEther("1.25").toString());
    expect(byAccount.get(lc(drive.treasurySafe))?.formatted).to.equal("1.25");
    expect(byAccount.get(lc(drive.splits[0] as string))?.formatted).to.equal("0.5");
  });

  it("answers named accounts (no Coffer event needed), through the SDK client too", async function () {
    const client = createIndexerClient({ url: indexer.url });
    const report = await client.nativeBalances({ accounts: [stranger.toUpperCase().replace("0X", "0x")] });
    expect(report.block).to.equal(await indexedBlock());
    expect(report.balances).to.deep.equal([
      { account: stranger, kinds: [], balance: ethers.parseEther("0.1"), formatted: "0.1" },
    ]);
    const both = await client.nativeBalances({ accounts: [stranger], kinds: ["treasury"] });
    expect(both.balances.map((row) => [row.account, row.kinds])).to.have.deep.members([
      [stranger, []],
      [lc(drive.treasurySafe), ["treasury"]],
    ]);
  });

  it("answers 100 accounts, the most one request takes, each equal to getBalance at the block it names", async function () {
    const accounts = Array.from({ length: 99 }, (_, i) => `0x${(i + 1).toString(16).padStart(40, "0")}`);
    accounts.push(stranger);
    const started = performance.now();
    const { status, body } = await get(accounts.map((account) => `account=${account}`).join("&"));
    const ms = performance.now() - started;
    console.log(`      100 accounts answered in ${ms.toFixed(0)} ms`);
    expect(status, JSON.stringify(body)).to.equal(200);
    const report = body as Report;
    expect(report.balances.map((row) => row.account)).to.have.members(accounts);
    for (const row of report.balances) {
      expect(row.balance, row.account).to.equal(
        (await local.chain.provider.getBalance(row.account, report.block)).toString(),
      );
    }
  });

  describe("when the query is wrong", function () {
    const cases: [string, string, string][] = [
      ["a malformed account", "account=0x1234", `"account" must be a 0x-prefixed 20-byte hex address, got "0x1234"`],
      ["an unknown kind", "kind=whales", `"kind" must be one of treasury, split, merchant, got "whales"`],
      ["neither accounts nor kinds", "", `Name accounts ("account=0x…") or kinds`],
      ["a chain not indexed", "kind=treasury&chainId=5", "Chain 5 is not indexed here"],
      [
        "101 accounts",
        Array.from({ length: 101 }, (_, i) => `account=0x${(i + 1).toString(16).padStart(40, "0")}`).join("&"),
        "At most 100 accounts per request, got 101",
      ],
    ];
    for (const [name, query, message] of cases) {
      it(`answers 400 with the offending value for ${name}`, async function () {
        const { status, body } = await get(query);
        expect(status).to.equal(400);
        expect((body as { errors: { message: string }[] }).errors[0]?.message).to.contain(message);
      });
    }

    it("the SDK client throws an IndexerQueryError with the indexer's message", async function () {
      const client = createIndexerClient({ url: indexer.url });
      const error = await client.nativeBalances({ accounts: ["0xnope"] }).then(
        () => undefined,
        (caught: unknown) => caught,
      );
      expect(error).to.be.instanceOf(IndexerQueryError);
      expect((error as Error).message).to.contain(`got "0xnope"`);
    });
  });
});
