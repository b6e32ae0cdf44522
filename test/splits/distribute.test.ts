import { anyValue } from "@nomicfoundation/hardhat-chai-matchers/withArgs";
import { expect } from "chai";
import { time } from "@nomicfoundation/hardhat-network-helpers";
import { ethers } from "ethers";
import hre from "hardhat";
import {
  ASSETS,
  MAX_PULL_RECIPIENTS,
  MAX_PUSH_RECIPIENTS,
  SCALE,
  addressesOf,
  balanceOf,
  balancesOf,
  configOf,
  createSplit,
  equalConfig,
  fund,
  hashConfig,
  loadSplits,
  sortAddresses,
  splitOf,
  tokenOf,
  units,
} from "./fixture";

describe("CofferSplit.distribute", function () {
  for (const asset of ASSETS) {
    for (const pullOnly of [false, true]) {
      describe(`with ${asset.name} in ${pullOnly ? "pull-only" : "push"} mode`, function () {
        async function setUp(incentive = 0) {
          const f = await loadSplits();
          const token = await tokenOf(f, asset);
          const recipients = sortAddresses(addressesOf(`${asset.name} ${pullOnly}`, 3));
          const config = configOf(
            [
              { account: recipients[0]!, allocation: 500_000n },
              { account: recipients[1]!, allocation: 300_000n },
              { account: recipients[2]!, allocation: 200_000n },
            ],
            { pullOnly, distributionIncentive: incentive },
          );
          const split = await createSplit(f, config);
          return { f, token, recipients, config, split, address: await split.getAddress() };
        }

        it(`${pullOnly ? "credits" : "pays"} each recipient its share and emits Distributed`, async function () {
          const { f, token, recipients, config, split, address } = await setUp();
          const deposit = units(asset, 1_000n) + 7n;
          await fund(f, token, address, deposit);
          const { amount, shares, remainder } = splitOf(config, deposit);
          const before = await balancesOf(token, recipients);
          await expect(split.connect(f.keeper).distribute(config, token, ethers.ZeroAddress))
            .to.emit(split, "Distributed")
            .withArgs(token, f.keeper.address, amount, 0n);
          const after = await balancesOf(token, recipients);
          for (const [i, recipient] of recipients.entries()) {
            const share = shares.get(recipient)!;
            if (pullOnly) {
              expect(after[i]).to.equal(before[i]);
              expect(await split.creditOf(recipient, token)).to.equal(share);
            } else {
              expect(after[i]! - before[i]!).to.equal(share);
              expect(await split.creditOf(recipient, token)).to.equal(0n);
            }
          }
          expect(remainder).to.equal(1n); // 7 → 3 + 2 + 1, and 1 left over
          expect(await split.owed(token)).to.equal(pullOnly ? deposit - remainder : 0n);
          expect(await balanceOf(token, address)).to.equal(pullOnly ? deposit : remainder);
          expect(await split.distributable(token)).to.equal(remainder);
        });

        it("pays the incentive to the distributor it names, or to the caller", async function () {
          const { f, token, config, split, address } = await setUp(10_000); // 1%
          await fund(f, token, address, units(asset, 100n));
          const { incentive, amount } = splitOf(config, units(asset, 100n));
          expect(incentive).to.equal(units(asset, 1n));
          const named = addressesOf("distributor", 1)[0]!;
          const namedBefore = await balanceOf(token, named);
          await expect(split.connect(f.keeper).distribute(config, token, named))
            .to.emit(split, "Distributed")
            .withArgs(token, named, amount, incentive);
          expect((await balanceOf(token, named)) - namedBefore).to.equal(incentive);

          await fund(f, token, address, units(asset, 100n));
          const callerBefore = await balanceOf(token, f.keeper.address);
          const tx = await split.connect(f.keeper).distribute(config, token, ethers.ZeroAddress);
          const receipt = await tx.wait();
          const gasPaid = asset.native ? receipt!.gasUsed * receipt!.gasPrice : 0n;
          const { incentive: second } = splitOf(config, units(asset, 100n));
          await expect(tx).to.emit(split, "Distributed").withArgs(token, f.keeper.address, anyValue, second);
          expect((await balanceOf(token, f.keeper.address)) - callerBefore + gasPaid).to.equal(second);
        });

        it("divides only what arrived since, never what is already owed, and keeps the dust for next time", async function () {
          const { f, token, recipients, config, split, address } = await setUp();
          await fund(f, token, address, 1_003n);
          await split.connect(f.keeper).distribute(config, token, ethers.ZeroAddress);
          // 1,003 → 501 + 300 + 200, 2 left over; then 998 more: 1,000 → 500 + 300 + 200, nothing left.
          await fund(f, token, address, 998n);
          const owedBefore = await split.owed(token);
          await expect(split.connect(f.keeper).distribute(config, token, ethers.ZeroAddress))
            .to.emit(split, "Distributed")
            .withArgs(token, f.keeper.address, 1_000n, 0n);
          const expected = [1_001n, 600n, 400n];
          for (const [i, recipient] of recipients.entries()) {
            if (pullOnly) expect(await split.creditOf(recipient, token)).to.equal(expected[i]);
          }
          expect(await split.owed(token)).to.equal(pullOnly ? owedBefore + 1_000n : 0n);
          expect(await split.distributable(token)).to.equal(0n);
          await expect(split.connect(f.keeper).distribute(config, token, ethers.ZeroAddress))
            .to.be.revertedWithCustomError(split, "CofferSplitNothingToDistribute")
            .withArgs(token, await balanceOf(token, address), await split.owed(token));
        });
      });
    }
  }

  describe("the events", function () {
    for (const pullOnly of [false, true]) {
      it(`let an indexer derive every payout and credit without calling the chain (${pullOnly ? "pull" : "push"})`, async function () {
        const f = await loadSplits();
        const token = await hre.ethers.deployContract("BlocklistToken");
        const tokenAddress = await token.getAddress();
        const recipients = addressesOf(`indexer ${pullOnly}`, 4);
        await token.blocklist(recipients[2]!);
        const config = configOf(
          recipients.map((account, i) => ({ account, allocation: [100_000n, 200_000n, 300_000n, 400_000n][i]! })),
          { pullOnly, distributionIncentive: 5_000 },
        );
        const created = await (await f.factory.createSplit(config, ethers.ZeroAddress)).wait();
        const split = await hre.ethers.getContractAt(
          "CofferSplit",
          await f.factory.predictSplitAddress(config, ethers.ZeroAddress),
        );
        await token.mint(await split.getAddress(), 1_234_567n);
        const distributed = await (
          await split.connect(f.keeper).distribute(config, tokenAddress, ethers.ZeroAddress)
        ).wait();

        // The indexer's view: the configuration from SplitCreated, the amount from Distributed, credits from
        // PayoutCredited (push mode) or every share (pull-only mode).
        const creation = created!.logs
          .map((log) => f.factory.interface.parseLog(log))
          .find((e) => e?.name === "SplitCreated")!;
        const indexed = { recipients: [...creation.args.config.recipients], pullOnly: creation.args.config.pullOnly };
        const events = distributed!.logs
          .filter((log) => log.address === (split.target as string))
          .map((log) => split.interface.parseLog(log)!);
        const distribution = events.find((e) => e.name === "Distributed")!;
        const creditedTo = new Map(
          events
            .filter((e) => e.name === "PayoutCredited")
            .map((e) => [e.args.account as string, e.args.amount as bigint]),
        );
        for (const entry of indexed.recipients as bigint[]) {
          const account = ethers.getAddress(ethers.toBeHex(entry & ((1n << 160n) - 1n), 20));
          const share = ((distribution.args.amount as bigint) * (entry >> 160n)) / SCALE;
          const credited = indexed.pullOnly ? share : (creditedTo.get(account) ?? 0n);
          const paid = share - credited;
          expect(await token.balanceOf(account)).to.equal(paid);
          expect(await split.creditOf(account, tokenAddress)).to.equal(credited);
        }
        expect(await token.balanceOf(f.keeper.address)).to.equal(distribution.args.incentive);
      });
    }
  });

  describe("when the split holds more than one distribution may divide", function () {
    it("divides MAX_DISTRIBUTION now and the rest later", async function () {
      const f = await loadSplits();
      const token = await hre.ethers.deployContract("MockERC20", ["Huge", "HUGE", 18]);
      const tokenAddress = await token.getAddress();
      const [recipient] = addressesOf("huge", 1);
      const config = configOf([{ account: recipient!, allocation: SCALE }], { pullOnly: true });
      const split = await createSplit(f, config);
      await token.mint(await split.getAddress(), ethers.MaxUint256);
      const max = await split.MAX_DISTRIBUTION();
      expect(max).to.equal(ethers.MaxUint256 / SCALE);
      expect(await split.distributable(tokenAddress)).to.equal(max);
      await expect(split.distribute(config, tokenAddress, ethers.ZeroAddress))
        .to.emit(split, "Distributed")
        .withArgs(tokenAddress, anyValue, max, 0n);
      expect(await split.creditOf(recipient!, tokenAddress)).to.equal(max);
      await split.distribute(config, tokenAddress, ethers.ZeroAddress);
      expect(await split.owed(tokenAddress)).to.equal(2n * max);
    });
  });

  describe("when the configuration passed is not the split's", function () {
    it("reverts with CofferSplitConfigMismatch", async function () {
      const f = await loadSplits();
      const config = equalConfig([f.alice.address, f.bob.address]);
      const split = await createSplit(f, config);
      await fund(f, ethers.ZeroAddress, await split.getAddress(), 1_000n);
      const wrong = configOf([
        { account: f.alice.address, allocation: 600_000n },
        { account: f.bob.address, allocation: 400_000n },
      ]);
      for (const other of [wrong, { ...config, pullOnly: true }, { ...config, distributionIncentive: 1 }]) {
        await expect(split.distribute(other, ethers.ZeroAddress, ethers.ZeroAddress))
          .to.be.revertedWithCustomError(split, "CofferSplitConfigMismatch")
          .withArgs(hashConfig(other), hashConfig(config));
      }
    });
  });

  describe("when the split holds nothing", function () {
    it("reverts with CofferSplitNothingToDistribute", async function () {
      const f = await loadSplits();
      const config = equalConfig(addressesOf("empty", 2));
      const split = await createSplit(f, config);
      const usdc = await f.usdc.getAddress();
      await expect(split.distribute(config, usdc, ethers.ZeroAddress))
        .to.be.revertedWithCustomError(split, "CofferSplitNothingToDistribute")
        .withArgs(usdc, 0n, 0n);
    });
  });

  describe("when the token address has no code", function () {
    it("reverts with CofferSplitNotAToken", async function () {
      const f = await loadSplits();
      const config = equalConfig(addressesOf("no code", 2));
      const split = await createSplit(f, config);
      await expect(split.distribute(config, f.stranger.address, ethers.ZeroAddress))
        .to.be.revertedWithCustomError(split, "CofferSplitNotAToken")
        .withArgs(f.stranger.address);
    });
  });

  describe("when the amount is smaller than one unit per share", function () {
    it("pays nothing to those whose share rounds to zero and keeps the dust", async function () {
      const f = await loadSplits();
      const [a, b] = sortAddresses(addressesOf("dust", 2));
      const config = configOf([
        { account: a!, allocation: 999_999n },
        { account: b!, allocation: 1n },
      ]);
      const split = await createSplit(f, config);
      const usdc = await f.usdc.getAddress();
      await fund(f, usdc, await split.getAddress(), 10n);
      await expect(split.distribute(config, usdc, ethers.ZeroAddress)).to.not.emit(split, "PayoutCredited");
      expect(await f.usdc.balanceOf(a!)).to.equal(9n);
      expect(await f.usdc.balanceOf(b!)).to.equal(0n);
      expect(await f.usdc.balanceOf(await split.getAddress())).to.equal(1n);
    });
  });

  for (const [mode, max] of [
    ["push", MAX_PUSH_RECIPIENTS],
    ["pull-only", MAX_PULL_RECIPIENTS],
  ] as const) {
    describe(`given the maximum of ${max} recipients in ${mode} mode`, function () {
      it("distributes to every one in a single transaction", async function () {
        const f = await loadSplits();
        const recipients = addressesOf(`max distribute ${mode}`, max);
        const config = equalConfig(recipients, { pullOnly: mode === "pull-only" });
        const split = await createSplit(f, config);
        const usdc = await f.usdc.getAddress();
        await fund(f, usdc, await split.getAddress(), SCALE * 10n);
        await split.connect(f.keeper).distribute(config, usdc, ethers.ZeroAddress);
        const shares = splitOf(config, SCALE * 10n).shares;
        for (const recipient of recipients.slice(0, 5).concat(recipients.slice(-5))) {
          const got = mode === "push" ? await f.usdc.balanceOf(recipient) : await split.creditOf(recipient, usdc);
          expect(got).to.equal(shares.get(recipient));
        }
      });
    });
  }

  describe("receiving ETH", function () {
    it("fails from a sender that forwards only the 2,300-gas stipend, and succeeds with more", async function () {
      const f = await loadSplits();
      const split = await createSplit(f, equalConfig(addressesOf("stipend", 2)));
      const sender = await hre.ethers.deployContract("StipendSender");
      const address = await split.getAddress();
      await expect(sender.sendWithGas(address, 0, { value: 1_000n }))
        .to.emit(sender, "Sent")
        .withArgs(address, 1_000n, 0n, false, anyValue);
      await expect(sender.sendWithGas(address, 5_000, { value: 1_000n }))
        .to.emit(sender, "Sent")
        .withArgs(address, 1_000n, 5_000n, true, anyValue);
      expect(await hre.ethers.provider.getBalance(address)).to.equal(1_000n);
    });

    it("receives a Coffer escrow capture (ETH pushed with the escrow's 50,000-gas stipend)", async function () {
      const f = await loadSplits();
      const recipients = addressesOf("escrow payee", 2);
      const config = equalConfig(recipients);
      const split = await createSplit(f, config);
      const escrow = await hre.ethers.getContractAt("CofferEscrow", f.manifest.contracts["CofferEscrow"]!.address);
      const now = BigInt(await time.latest());
      const payment = {
        operator: f.keeper.address,
        payer: f.alice.address,
        payee: await split.getAddress(),
        token: ethers.ZeroAddress,
        maxAmount: 1_000n,
        preApprovalExpiry: now + 3_600n,
        authorizationExpiry: now + 86_400n,
        refundExpiry: now + 2n * 86_400n,
        minFeeBps: 0,
        maxFeeBps: 0,
        feeReceiver: ethers.ZeroAddress,
        arbiter: ethers.ZeroAddress,
        referenceId: ethers.id("split order"),
        salt: 1n,
      };
      await escrow.connect(f.alice).authorize(payment, 1_000n, "0x", { value: 1_000n });
      await expect(escrow.connect(f.keeper).capture(payment, 1_000n, 0)).to.not.emit(escrow, "PayoutCredited");
      await split.distribute(config, ethers.ZeroAddress, ethers.ZeroAddress);
      expect(await balancesOf(ethers.ZeroAddress, sortAddresses(recipients))).to.deep.equal([500n, 500n]);
    });
  });
});
