import { expect } from "chai";
import { ethers } from "ethers";
import { CofferSplitFactory__factory, type CofferSplitFactory } from "../../typechain-types";
import { ok, refused, startModulesFixture, type ModulesFixture } from "./modules-fixture";

describe("cli: coffer splits (child processes against a local chain)", function () {
  // Each command is a separate Node process: slow on a loaded machine, hence a generous timeout per test.
  this.timeout(600_000);
  let f: ModulesFixture;
  let factory: CofferSplitFactory;
  const CREATOR = 4;
  const ALICE = 5;
  const BOB = 6;
  const KEEPER = 9;
  const [a, b] = [ethers.Wallet.createRandom().address, ethers.Wallet.createRandom().address];
  let pushSplit: string;
  let pullSplit: string;

  before(async function () {
    f = await startModulesFixture("splits");
    factory = CofferSplitFactory__factory.connect(
      f.local.first.manifest.contracts["CofferSplitFactory"]!.address,
      f.local.chain.provider,
    );
  });
  after(async function () {
    await f.stop();
  });

  const pushArgs = ["--recipient", `${a}:60`, "--recipient", `${b}:40`, "--incentive", "1"];

  it("predict gives the factory's address before the split exists (no key)", async function () {
    const out = ok<{ split: string; exists: boolean; configHash: string }>(
      await f.run(["splits", "predict", ...pushArgs, "--json"]),
    );
    const sorted = BigInt(a) < BigInt(b) ? [a, b] : [b, a];
    const entries = sorted.map((account) => ((account === a ? 600_000n : 400_000n) << 160n) | BigInt(account));
    const config = { recipients: entries, distributionIncentive: 10_000, pullOnly: false };
    expect(out.split).to.equal(await factory.predictSplitAddress(config, ethers.ZeroAddress));
    expect(out.configHash).to.equal(await factory.hashConfig(config));
    expect(out.exists).to.equal(false);
    pushSplit = out.split;
  });

  it("create makes the split at the predicted address", async function () {
    const out = ok<{ split: string; created: boolean; events: string[] }>(
      await f.run(["splits", "create", ...pushArgs, "--json"], CREATOR),
    );
    expect(out).to.include({ split: pushSplit, created: true });
    expect(out.events).to.deep.equal(["SplitCreated"]);
    expect(await f.local.chain.provider.getCode(pushSplit)).to.not.equal("0x");
  });

  it("distribute pushes each share and the incentive (keeper)", async function () {
    await (await f.usdc.mint(pushSplit, 10_000_000n)).wait();
    const keeperBefore = await f.usdc.balanceOf(f.address(KEEPER));
    const out = ok<{ amount: string; incentive: string; shares: { account: string; amount: string; paid: boolean }[] }>(
      await f.run(["splits", "distribute", pushSplit, "--token", "TestUSDC", "--json"], KEEPER),
    );
    expect(out).to.include({ amount: "9900000", incentive: "100000" });
    expect(out.shares).to.deep.include.members([
      { account: a, amount: "5940000", paid: true },
      { account: b, amount: "3960000", paid: true },
    ]);
    expect(await f.usdc.balanceOf(a)).to.equal(5_940_000n);
    expect(await f.usdc.balanceOf(b)).to.equal(3_960_000n);
    expect((await f.usdc.balanceOf(f.address(KEEPER))) - keeperBefore).to.equal(100_000n);
  });

  it("a pull-only split credits shares; show lists them; withdraw pays them out", async function () {
    const created = ok<{ split: string }>(
      await f.run(
        [
          ...["splits", "create", "--recipient", `${f.address(ALICE)}:70`, "--recipient", `${f.address(BOB)}:30`],
          ...["--pull-only", "--json"],
        ],
        CREATOR,
      ),
    );
    pullSplit = created.split;
    await (await f.usdc.mint(pullSplit, 20_000_000n)).wait();
    ok(await f.run(["splits", "distribute", pullSplit, "--token", "TestUSDC", "--json"], KEEPER));
    const shown = ok<{
      controller: string;
      config: { pullOnly: boolean };
      balances: { symbol: string; balance: string; owed: string; credits: { account: string; credit: string }[] }[];
    }>(await f.run(["splits", "show", pullSplit, "--token", "TestUSDC", "--json"]));
    expect(shown.controller).to.equal(ethers.ZeroAddress);
    expect(shown.config.pullOnly).to.equal(true);
    expect(shown.balances[0]).to.deep.include({ symbol: "tUSDC", balance: "20000000", owed: "20000000" });
    expect(shown.balances[0]!.credits).to.deep.include.members([
      { account: f.address(ALICE), credit: "14000000" },
      { account: f.address(BOB), credit: "6000000" },
    ]);
    const before = await f.usdc.balanceOf(f.address(ALICE));
    const out = ok<{ amount: string; to: string }>(
      await f.run(["splits", "withdraw", pullSplit, "--token", "TestUSDC", "--json"], ALICE),
    );
    expect(out).to.include({ amount: "14000000", to: f.address(ALICE) });
    expect((await f.usdc.balanceOf(f.address(ALICE))) - before).to.equal(14_000_000n);
  });

  it("a second withdrawal is refused (exit 1); shares not summing to 100% are a usage error (exit 2)", async function () {
    const error = refused(
      await f.run(["splits", "withdraw", "--split", pullSplit, "--token", "TestUSDC", "--json"], ALICE),
      "CofferSplitNothingToWithdraw",
    );
    expect(error.args).to.deep.equal({ account: f.address(ALICE), token: f.usdcAddress });
    const usage = await f.run(["splits", "predict", "--recipient", `${a}:60`, "--recipient", `${b}:30`]);
    expect(usage.code).to.equal(2);
    expect(usage.stderr).to.contain("invalid split: Split: invalid total allocation (total 900000, expected 1000000)");
  });

  it("takes the split as its argument like other commands take their object (--split still read)", async function () {
    const missing = await f.run(["splits", "show", "--token", "TestUSDC"]);
    expect(missing.code).to.equal(2);
    expect(missing.stderr).to.equal("coffer: give the split's address: coffer splits <command> <split> (see --help)\n");
    const both = await f.run(["splits", "show", pullSplit, "--split", pushSplit]);
    expect(both.code).to.equal(2);
    expect(both.stderr).to.contain(`two different splits: ${pullSplit} and --split ${pushSplit}`);
    const legacy = ok<{ split: string }>(await f.run(["splits", "show", "--split", pullSplit, "--json"]));
    expect(legacy.split).to.equal(pullSplit);
  });
});
