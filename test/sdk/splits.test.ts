import { expect } from "chai";
import { ethers } from "ethers";
import { createCofferClient, CofferContractError, CofferError, toCofferError, type CofferClient } from "../../sdk/src";
import * as splits from "../../sdk/src/splits";
import { MockERC20__factory, RevertingReceiver__factory, type MockERC20 } from "../../typechain-types";
import { devPrivateKey } from "../../scripts/lib/local-chain";
import { startDeployedLocalChain, type DeployedLocalChain } from "../helpers/local-chain";
import { readDeploymentManifest } from "../../sdk/src/node";

describe("sdk: splits actions against a local chain", function () {
  let local: DeployedLocalChain;
  let usdc: MockERC20;
  let usdcAddress: string;
  let creator: CofferClient;
  let keeper: CofferClient;

  const wallet = (index: number) => new ethers.Wallet(devPrivateKey(index), local.chain.provider);
  const clientFor = (index: number): Promise<CofferClient> =>
    createCofferClient({ runner: wallet(index), manifest: readDeploymentManifest(local.deploymentsDir, 31337) });
  const fresh = () => ethers.Wallet.createRandom().address;
  /** Error thrown by `promise`, or a failure when it resolves. */
  const rejectionOf = async (promise: Promise<unknown>): Promise<CofferContractError> => {
    const error = await promise.then(
      () => undefined,
      (thrown: unknown) => thrown,
    );
    expect(error).to.be.instanceOf(CofferContractError);
    return error as CofferContractError;
  };

  before(async function () {
    local = await startDeployedLocalChain();
    usdcAddress = local.first.manifest.contracts["TestUSDC"]!.address;
    usdc = MockERC20__factory.connect(usdcAddress, wallet(0));
    creator = await clientFor(4);
    keeper = await clientFor(9);
  });
  after(async function () {
    await local.stop();
  });

  describe("configuration and addresses", function () {
    it("sorts and packs recipients, and hashes the configuration as the factory does", async function () {
      const [a, b] = [fresh(), fresh()];
      const config = splits.splitConfig(
        [
          { account: a, allocation: 600_000n },
          { account: b, allocation: 400_000n },
        ],
        { distributionIncentive: 10_000 },
      );
      const sorted = BigInt(a) < BigInt(b) ? [a, b] : [b, a];
      expect(splits.recipientsOf(config).map((recipient) => recipient.account)).to.deep.equal(sorted);
      expect(splits.hashSplitConfig(config)).to.equal(await creator.splitFactory.hashConfig(config));
    });

    it("predicts the factory's address for immutable and controlled splits, and creation lands there", async function () {
      const config = splits.splitConfig([
        { account: fresh(), allocation: 500_000n },
        { account: fresh(), allocation: 500_000n },
      ]);
      const safe = local.first.manifest.treasurySafe!.address;
      for (const controller of [ethers.ZeroAddress, safe]) {
        const predicted = await splits.predictSplitAddress(creator, config, controller);
        expect(predicted).to.equal(await creator.splitFactory.predictSplitAddress(config, controller));
        expect(await local.chain.provider.getCode(predicted)).to.equal("0x");
        const created = await splits.createSplit(creator, config, controller);
        expect(created).to.include({ split: predicted, created: true, configHash: splits.hashSplitConfig(config) });
        expect(created.events.map((event) => event.name)).to.deep.equal(["SplitCreated"]);
        expect(created.events[0]!.args["controller"]).to.equal(controller);
        expect(await local.chain.provider.getCode(predicted)).to.not.equal("0x");
        const again = await splits.createSplit(creator, config, controller);
        expect(again).to.include({ split: predicted, created: false });
        const info = await splits.getSplit(keeper, predicted);
        expect(info).to.deep.include({ split: predicted, controller, configHash: created.configHash });
        expect(info.config).to.deep.equal(config);
      }
    });
  });

  describe("distribute and withdraw", function () {
    it("pushes each share of a token to its recipient and pays the incentive to the distributor", async function () {
      const [a, b, c] = [fresh(), fresh(), fresh()];
      const config = splits.splitConfig(
        [
          { account: a, allocation: 500_000n },
          { account: b, allocation: 300_000n },
          { account: c, allocation: 200_000n },
        ],
        { distributionIncentive: 10_000 }, // 1%
      );
      const { split } = await splits.createSplit(creator, config);
      await (await usdc.mint(split, 100_000_000n)).wait(); // 100 tUSDC
      const keeperBefore = await usdc.balanceOf(wallet(9).address);
      const outcome = await splits.distribute(keeper, split, config, usdcAddress);
      expect(outcome).to.include({ amount: 99_000_000n, incentive: 1_000_000n, distributor: wallet(9).address });
      expect(outcome.shares).to.deep.include.members([
        { account: ethers.getAddress(a), amount: 49_500_000n, paid: true },
        { account: ethers.getAddress(b), amount: 29_700_000n, paid: true },
        { account: ethers.getAddress(c), amount: 19_800_000n, paid: true },
      ]);
      expect(await usdc.balanceOf(a)).to.equal(49_500_000n);
      expect(await usdc.balanceOf(b)).to.equal(29_700_000n);
      expect(await usdc.balanceOf(c)).to.equal(19_800_000n);
      expect((await usdc.balanceOf(wallet(9).address)) - keeperBefore).to.equal(1_000_000n);
      expect((await splits.splitBalances(keeper, split, usdcAddress)).distributable).to.equal(0n);
    });

    it("credits an ETH share whose push is refused and reports it in the balances", async function () {
      const receiver = await new RevertingReceiver__factory(wallet(0)).deploy();
      await receiver.waitForDeployment();
      const refusing = await receiver.getAddress();
      const payee = wallet(6).address;
      const config = splits.splitConfig([
        { account: refusing, allocation: 250_000n },
        { account: payee, allocation: 750_000n },
      ]);
      const { split } = await splits.createSplit(creator, config);
      await (await wallet(0).sendTransaction({ to: split, value: ethers.parseEther("4") })).wait();
      const payeeBefore = await local.chain.provider.getBalance(payee);
      const outcome = await splits.distribute(keeper, split, config, splits.NATIVE_TOKEN);
      expect(outcome.shares).to.deep.include.members([
        { account: refusing, amount: ethers.parseEther("1"), paid: false },
        { account: payee, amount: ethers.parseEther("3"), paid: true },
      ]);
      expect((await local.chain.provider.getBalance(payee)) - payeeBefore).to.equal(ethers.parseEther("3"));
      expect(await splits.creditOf(keeper, split, refusing, splits.NATIVE_TOKEN)).to.equal(ethers.parseEther("1"));
      const balances = await splits.splitBalances(keeper, split, splits.NATIVE_TOKEN, [refusing, payee]);
      expect(balances).to.deep.include({ balance: ethers.parseEther("1"), owed: ethers.parseEther("1") });
      expect(balances.credits).to.deep.equal([
        { account: refusing, credit: ethers.parseEther("1") },
        { account: payee, credit: 0n },
      ]);
    });

    it("credits every share of a pull-only split; each recipient withdraws its own", async function () {
      const [alice, bob] = [wallet(5).address, wallet(6).address];
      const config = splits.splitConfig(
        [
          { account: alice, allocation: 700_000n },
          { account: bob, allocation: 300_000n },
        ],
        { pullOnly: true },
      );
      const { split } = await splits.createSplit(creator, config);
      await (await usdc.mint(split, 10_000_000n)).wait();
      const outcome = await splits.distribute(keeper, split, config, usdcAddress);
      expect(outcome.shares.every((share) => !share.paid)).to.equal(true);
      expect(await usdc.balanceOf(split)).to.equal(10_000_000n);
      expect(await splits.creditOf(keeper, split, alice, usdcAddress)).to.equal(7_000_000n);
      const to = fresh();
      const withdrawn = await splits.withdraw(await clientFor(5), split, usdcAddress, to);
      expect(withdrawn).to.include({ amount: 7_000_000n, to });
      expect(await usdc.balanceOf(to)).to.equal(7_000_000n);
      const bobBefore = await usdc.balanceOf(bob);
      expect((await splits.withdraw(await clientFor(6), split, usdcAddress)).amount).to.equal(3_000_000n);
      expect((await usdc.balanceOf(bob)) - bobBefore).to.equal(3_000_000n);
      const balances = await splits.splitBalances(keeper, split, usdcAddress, [alice, bob]);
      expect(balances).to.deep.include({ balance: 0n, owed: 0n, distributable: 0n });
    });
  });

  describe("error paths", function () {
    it("rejects an invalid configuration before the chain, with the error the factory reverts with", async function () {
      const config = splits.splitConfig([
        { account: fresh(), allocation: 500_000n },
        { account: fresh(), allocation: 400_000n },
      ]);
      const offline = await rejectionOf(splits.predictSplitAddress(creator, config));
      expect(offline.errorName).to.equal("CofferSplitInvalidTotalAllocation");
      expect(offline.args).to.deep.equal({ total: 900_000n, expected: 1_000_000n });
      expect(offline.message).to.equal(
        "Split: invalid total allocation (total 900000, expected 1000000) [CofferSplitInvalidTotalAllocation]",
      );
      const onChain = await creator.splitFactory.predictSplitAddress(config, ethers.ZeroAddress).then(
        () => undefined,
        (thrown: unknown) => toCofferError(thrown),
      );
      expect(onChain).to.be.instanceOf(CofferContractError);
      expect((onChain as CofferContractError).data).to.equal(offline.data);
      await rejectionOf(splits.createSplit(creator, config));
    });

    it("decodes a distribution with nothing to divide, and one with a stale configuration", async function () {
      const config = splits.splitConfig([{ account: fresh(), allocation: 1_000_000n }]);
      const { split } = await splits.createSplit(creator, config);
      const empty = await rejectionOf(splits.distribute(keeper, split, config, usdcAddress));
      expect(empty.message).to.equal(
        `Split: nothing to distribute (token ${usdcAddress}, balance 0, owed 0) [CofferSplitNothingToDistribute]`,
      );
      const other = splits.splitConfig([{ account: fresh(), allocation: 1_000_000n }]);
      const mismatch = await rejectionOf(splits.distribute(keeper, split, other, usdcAddress));
      expect(mismatch.errorName).to.equal("CofferSplitConfigMismatch");
      expect(mismatch.args).to.deep.equal({
        given: splits.hashSplitConfig(other),
        expected: splits.hashSplitConfig(config),
      });
    });

    it("decodes a withdrawal with nothing credited, and refuses to read a split that does not exist", async function () {
      const config = splits.splitConfig([{ account: wallet(7).address, allocation: 1_000_000n }], { pullOnly: true });
      const { split } = await splits.createSplit(creator, config);
      const nothing = await rejectionOf(splits.withdraw(await clientFor(7), split, usdcAddress));
      expect(nothing.message).to.equal(
        `Split: nothing to withdraw (account ${wallet(7).address}, token ${usdcAddress}) [CofferSplitNothingToWithdraw]`,
      );
      const missing = await splits.getSplit(keeper, fresh()).then(
        () => undefined,
        (thrown: unknown) => thrown,
      );
      expect(missing).to.be.instanceOf(CofferError);
      expect((missing as Error).message).to.match(/^No split at 0x[0-9a-fA-F]{40}: create it first/);
    });
  });
});
