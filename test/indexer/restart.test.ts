import { expect } from "chai";
import { ethers } from "ethers";
import { MockERC20__factory } from "../../typechain-types";
import { indexedBlock, startIndexer, type RunningIndexer } from "../../scripts/lib/indexer-process";
import { startDeployedLocalChain, type DeployedLocalChain } from "../helpers/local-chain";
import { driveCoffer, wallet } from "./drive";
import { freshPostgres, postgresUser, psqlIn } from "./helpers";

/** Blocks behind the head that Ponder treats as final on a 31337 chain. */
const FINALITY = 32;
/** Blocks of token transfers after the scenario: enough for a backfill that takes a few seconds. */
const TRANSFER_BLOCKS = 120;

type Made = ReturnType<typeof freshPostgres>;

/** Every user table of the indexer's schema, each as its rows in a stable order. */
function dumpTables(made: Made): Record<string, string> {
  if (made.database.kind !== "postgres") throw new Error("PostgreSQL only");
  const schema = made.database.schema;
  const tables = psqlIn(
    made.database,
    `SELECT tablename FROM pg_tables WHERE schemaname = '${schema}' AND tablename NOT LIKE '\\_%' ORDER BY tablename`,
  )
    .trim()
    .split("\n");
  const dump: Record<string, string> = {};
  for (const table of tables) {
    dump[table] = psqlIn(
      made.database,
      `SELECT coalesce(json_agg(t ORDER BY t::text), '[]')::text FROM "${schema}"."${table}" t`,
    ).trim();
  }
  return dump;
}

describe("indexer killed mid-backfill and restarted on the same database", function () {
  this.timeout(170_000);
  let local: DeployedLocalChain;
  let head: number;
  const made: Made[] = [];
  const running: RunningIndexer[] = [];

  before(async function () {
    if (postgresUser() === null) throw new Error("This test needs PostgreSQL at 127.0.0.1:5432");
    local = await startDeployedLocalChain();
    const provider = local.chain.provider;
    await driveCoffer({ rpcUrl: local.chain.url, deploymentsDir: local.deploymentsDir });
    // One mint per block, sent without waiting: Anvil mines each at once.
    const minter = wallet(provider, 0);
    const usdc = MockERC20__factory.connect(local.first.manifest.contracts["TestUSDC"]?.address ?? "", minter);
    let nonce = await provider.getTransactionCount(minter.address);
    const sent: ethers.ContractTransactionResponse[] = [];
    for (let i = 0; i < TRANSFER_BLOCKS; i += 1) {
      sent.push(await usdc.mint(wallet(provider, 1 + (i % 9)).address, 1_000n + BigInt(i), { nonce: nonce++ }));
    }
    await sent.at(-1)?.wait();
    await provider.send("anvil_mine", [ethers.toQuantity(FINALITY)]);
    head = await provider.getBlockNumber();
  });

  after(async function () {
    for (const indexer of running) await indexer.stop();
    await local?.stop();
    for (const entry of made) entry.cleanup();
  });

  it("ends with exactly the tables of an uninterrupted run", async function () {
    const options = { chainId: 31337, rpcUrl: local.chain.url, deploymentsDir: local.deploymentsDir };
    const interrupted = freshPostgres("restart_a");
    const reference = freshPostgres("restart_b");
    made.push(interrupted, reference);

    // The reference runs alongside; the other is killed (SIGKILL) once it has indexed part of the backfill.
    const uninterrupted = await startIndexer({ ...options, database: reference.database });
    running.push(uninterrupted);
    const first = await startIndexer({ ...options, database: interrupted.database });
    const deployBlock = local.first.manifest.contracts["TestUSDC"]?.deploymentBlock ?? 0;
    let killedAt: number | undefined;
    const deadline = Date.now() + 120_000;
    while (killedAt === undefined) {
      if (Date.now() > deadline) throw new Error("The first run never showed progress");
      const ready = (await fetch(`${first.url}/ready`)).status === 200;
      const block = await indexedBlock(first.url, 31337).catch(() => undefined);
      if (ready || (block !== undefined && block >= head - FINALITY)) {
        throw new Error(`The backfill finished (block ${block}) before it could be interrupted: add blocks`);
      }
      if (block !== undefined && block > deployBlock) {
        await first.kill();
        killedAt = block;
      } else {
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
    }
    console.log(`      (killed at block ${killedAt} of ${head})`);
    expect(killedAt).to.be.lessThan(head - FINALITY);

    const second = await startIndexer({ ...options, database: interrupted.database });
    running.push(second);
    await second.waitForBlock(head, 150_000);
    await uninterrupted.waitForBlock(head, 150_000);

    const resumed = dumpTables(interrupted);
    const whole = dumpTables(reference);
    expect(Object.keys(resumed)).to.include.members(["activity", "token_balance", "payment", "subscription"]);
    expect(JSON.parse(resumed["activity"] ?? "[]")).to.have.length.greaterThan(TRANSFER_BLOCKS);
    for (const table of Object.keys(whole)) {
      expect(resumed[table], `table ${table}`).to.equal(whole[table]);
    }
    expect(Object.keys(resumed)).to.deep.equal(Object.keys(whole));
  });
});
