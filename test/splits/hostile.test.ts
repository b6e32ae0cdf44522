import { expect } from "chai";
import { ethers } from "ethers";
import hre from "hardhat";
import {
  addressesOf,
  balanceOf,
  balancesOf,
  configOf,
  createSplit,
  equalConfig,
  fund,
  loadSplits,
  sortAddresses,
  splitOf,
} from "./fixture";

/** Three signers as recipients with 50/30/20%, sorted, and a receiver for withdrawals elsewhere. */
async function setUp(pullOnly = false) {
  const f = await loadSplits();
  const [first, second, third] = [f.alice, f.bob, f.carol].sort((a, b) =>
    BigInt(a.address) < BigInt(b.address) ? -1 : 1,
  );
  const config = configOf(
    [
      { account: first!.address, allocation: 500_000n },
      { account: second!.address, allocation: 300_000n },
      { account: third!.address, allocation: 200_000n },
    ],
    { pullOnly },
  );
  const split = await createSplit(f, config);
  return { f, config, split, address: await split.getAddress(), recipients: [first!, second!, third!] };
}

describe("CofferSplit with hostile tokens and receivers", function () {
  describe("given a blocklisted recipient (USDC-style BlocklistToken)", function () {
    it("credits the blocked one, pays the others, and lets it withdraw to another address", async function () {
      const { f, config, split, address, recipients } = await setUp();
      const token = await hre.ethers.deployContract("BlocklistToken");
      const tokenAddress = await token.getAddress();
      const blocked = recipients[1]!;
      await token.blocklist(blocked.address);
      await token.mint(address, 1_000_000n);

      await expect(split.distribute(config, tokenAddress, ethers.ZeroAddress))
        .to.emit(split, "PayoutCredited")
        .withArgs(blocked.address, tokenAddress, 300_000n);
      expect(await token.balanceOf(recipients[0]!.address)).to.equal(500_000n);
      expect(await token.balanceOf(recipients[2]!.address)).to.equal(200_000n);
      expect(await split.creditOf(blocked.address, tokenAddress)).to.equal(300_000n);
      expect(await split.owed(tokenAddress)).to.equal(300_000n);

      // Withdrawing to itself still fails; to another address it works.
      await expect(split.connect(blocked).withdraw(tokenAddress, blocked.address))
        .to.be.revertedWithCustomError(token, "BlocklistTokenBlocklisted")
        .withArgs(blocked.address);
      await expect(split.connect(blocked).withdraw(tokenAddress, f.dave.address))
        .to.emit(split, "Withdrawn")
        .withArgs(blocked.address, tokenAddress, f.dave.address, 300_000n);
      expect(await token.balanceOf(f.dave.address)).to.equal(300_000n);
      expect(await split.owed(tokenAddress)).to.equal(0n);
    });

    it("credits everyone while the token is paused, and everyone withdraws after it resumes", async function () {
      const { f, config, split, address, recipients } = await setUp();
      const token = await hre.ethers.deployContract("BlocklistToken");
      const tokenAddress = await token.getAddress();
      await token.mint(address, 1_000_000n);
      await token.pause();
      await split.distribute(config, tokenAddress, ethers.ZeroAddress);
      expect(await split.owed(tokenAddress)).to.equal(1_000_000n);
      await expect(split.connect(recipients[0]!).withdraw(tokenAddress, recipients[0]!.address))
        .to.be.revertedWithCustomError(token, "BlocklistTokenPaused")
        .withArgs(address, recipients[0]!.address);
      // What is credited is never distributed again.
      await expect(split.distribute(config, tokenAddress, ethers.ZeroAddress))
        .to.be.revertedWithCustomError(split, "CofferSplitNothingToDistribute")
        .withArgs(tokenAddress, 1_000_000n, 1_000_000n);
      await token.unpause();
      for (const recipient of recipients) await split.connect(recipient).withdraw(tokenAddress, recipient.address);
      expect(
        await balancesOf(
          tokenAddress,
          recipients.map((r) => r.address),
        ),
      ).to.deep.equal([500_000n, 300_000n, 200_000n]);
      expect(await split.owed(tokenAddress)).to.equal(0n);
      void f;
    });
  });

  describe("given a recipient that rejects ETH (RevertingReceiver)", function () {
    it("credits it, pays the others, and it withdraws elsewhere", async function () {
      const f = await loadSplits();
      const receiver = await hre.ethers.deployContract("RevertingReceiver");
      const receiverAddress = await receiver.getAddress();
      const [a, b] = addressesOf("reverting", 2);
      const config = equalConfig([a!, b!, receiverAddress]);
      const split = await createSplit(f, config);
      const address = await split.getAddress();
      await fund(f, ethers.ZeroAddress, address, 3_000n);
      await expect(split.distribute(config, ethers.ZeroAddress, ethers.ZeroAddress))
        .to.emit(split, "PayoutCredited")
        .withArgs(receiverAddress, ethers.ZeroAddress, anyShare(config, 3_000n, receiverAddress));
      const shares = splitOf(config, 3_000n).shares;
      expect(await balanceOf(ethers.ZeroAddress, a!)).to.equal(shares.get(a!));
      expect(await balanceOf(ethers.ZeroAddress, b!)).to.equal(shares.get(b!));
      const credit = await split.creditOf(receiverAddress, ethers.ZeroAddress);
      expect(credit).to.equal(shares.get(receiverAddress));

      // Withdrawing to itself reverts (and keeps the credit); to another address it works.
      const withdrawTo = (to: string) => split.interface.encodeFunctionData("withdraw", [ethers.ZeroAddress, to]);
      await expect(receiver.execute(address, 0, withdrawTo(receiverAddress)))
        .to.be.revertedWithCustomError(split, "CofferSplitNativeTransferFailed")
        .withArgs(receiverAddress, credit);
      const elsewhere = addressesOf("reverting elsewhere", 1)[0]!;
      await receiver.execute(address, 0, withdrawTo(elsewhere));
      expect(await balanceOf(ethers.ZeroAddress, elsewhere)).to.equal(credit);
    });
  });

  describe("given a recipient that burns all gas (GasBurningReceiver)", function () {
    it("credits it after at most the ETH stipend and pays the others", async function () {
      const f = await loadSplits();
      const burner = await hre.ethers.deployContract("GasBurningReceiver");
      const burnerAddress = await burner.getAddress();
      const [a, b] = addressesOf("burning", 2);
      const config = equalConfig([a!, b!, burnerAddress]);
      const split = await createSplit(f, config);
      await fund(f, ethers.ZeroAddress, await split.getAddress(), 3_000n);
      const tx = await split.distribute(config, ethers.ZeroAddress, ethers.ZeroAddress);
      await expect(tx).to.emit(split, "PayoutCredited");
      const receipt = await tx.wait();
      // Two new accounts paid (about 36,000 each) and one capped push (20,000 + 2,300) with its credit.
      expect(receipt!.gasUsed).to.be.lessThan(200_000n);
      expect(await balanceOf(ethers.ZeroAddress, a!)).to.be.greaterThan(0n);
      expect(await balanceOf(ethers.ZeroAddress, b!)).to.be.greaterThan(0n);
      expect(await split.creditOf(burnerAddress, ethers.ZeroAddress)).to.equal(
        splitOf(config, 3_000n).shares.get(burnerAddress),
      );
    });

    it("credits every share of a token whose transfers burn all gas, well under the transaction cap", async function () {
      const f = await loadSplits();
      const token = await hre.ethers.deployContract("SplitGasBurningToken");
      const recipients = addressesOf("burning token", 10);
      const config = equalConfig(recipients);
      const split = await createSplit(f, config);
      await token.mint(await split.getAddress(), 1_000_000n);
      await token.setBurning(true);
      const tx = await split.distribute(config, await token.getAddress(), ethers.ZeroAddress);
      const receipt = await tx.wait();
      expect(await split.owed(await token.getAddress())).to.equal(1_000_000n);
      // About 75,000 per recipient on the shipped bytecode (the 50,000 stipend burned, a new credit and its event)
      // plus the fixed part: 806,431 for ten. The bound leaves room for coverage's instrumented build (820,744).
      expect(receipt!.gasUsed).to.be.lessThan(10n * 80_000n + 60_000n);
    });
  });

  describe("given a token that returns false (ReturnsFalseToken)", function () {
    it("treats false as a failure: credits, and withdrawals revert until transfers work again", async function () {
      const { config, split, address, recipients } = await setUp();
      const token = await hre.ethers.deployContract("ReturnsFalseToken");
      const tokenAddress = await token.getAddress();
      await token.mint(address, 1_000n);
      await token.setFailAll(true);
      await split.distribute(config, tokenAddress, ethers.ZeroAddress);
      expect(await split.owed(tokenAddress)).to.equal(1_000n);
      expect(await token.balanceOf(recipients[0]!.address)).to.equal(0n);
      await expect(split.connect(recipients[0]!).withdraw(tokenAddress, recipients[0]!.address))
        .to.be.revertedWithCustomError(split, "SafeERC20FailedOperation")
        .withArgs(tokenAddress);
      await token.setFailAll(false);
      await split.connect(recipients[0]!).withdraw(tokenAddress, recipients[0]!.address);
      expect(await token.balanceOf(recipients[0]!.address)).to.equal(500n);
    });
  });

  describe("given a token that returns nothing (USDT-style NoReturnToken)", function () {
    for (const pullOnly of [false, true]) {
      it(`${pullOnly ? "credits and withdraws" : "pushes"} normally`, async function () {
        const { config, split, address, recipients } = await setUp(pullOnly);
        const token = await hre.ethers.deployContract("NoReturnToken");
        const tokenAddress = await token.getAddress();
        await token.mint(address, 1_000n);
        await expect(split.distribute(config, tokenAddress, ethers.ZeroAddress)).to.not.emit(split, "PayoutCredited");
        if (pullOnly) {
          for (const recipient of recipients) await split.connect(recipient).withdraw(tokenAddress, recipient.address);
        }
        expect(
          await balancesOf(
            tokenAddress,
            recipients.map((r) => r.address),
          ),
        ).to.deep.equal([500n, 300n, 200n]);
        expect(await split.owed(tokenAddress)).to.equal(0n);
      });
    }
  });

  describe("given a fee-on-transfer token (1%)", function () {
    for (const pullOnly of [false, true]) {
      it(`each recipient bears the fee on its own share and nothing is stuck (${pullOnly ? "pull" : "push"})`, async function () {
        const { config, split, address, recipients } = await setUp(pullOnly);
        const token = await hre.ethers.deployContract("FeeOnTransferToken", [100, ethers.ZeroAddress]);
        const tokenAddress = await token.getAddress();
        await token.mint(address, 100_000n);
        await split.distribute(config, tokenAddress, ethers.ZeroAddress);
        if (pullOnly) {
          expect(await split.creditOf(recipients[0]!.address, tokenAddress)).to.equal(50_000n);
          for (const recipient of recipients) await split.connect(recipient).withdraw(tokenAddress, recipient.address);
        }
        expect(
          await balancesOf(
            tokenAddress,
            recipients.map((r) => r.address),
          ),
        ).to.deep.equal([49_500n, 29_700n, 19_800n]);
        expect(await split.owed(tokenAddress)).to.equal(0n);
        expect(await token.balanceOf(address)).to.equal(0n);
      });
    }
  });

  describe("given a rebasing token", function () {
    it("distributes a positive rebase with the next distribution", async function () {
      const { config, split, address, recipients } = await setUp(true);
      const token = await hre.ethers.deployContract("RebasingToken");
      const tokenAddress = await token.getAddress();
      await token.mint(address, 1_000n);
      await split.distribute(config, tokenAddress, ethers.ZeroAddress);
      await token.rebase(11, 10); // the split now holds 1,100 but owes 1,000
      await expect(split.distribute(config, tokenAddress, ethers.ZeroAddress))
        .to.emit(split, "Distributed")
        .withArgs(tokenAddress, anyAddress(), 100n, 0n);
      expect(await split.creditOf(recipients[0]!.address, tokenAddress)).to.equal(550n);
    });

    it("is not supported after a negative rebase: nothing to distribute, and the last withdrawal fails", async function () {
      const { config, split, address, recipients } = await setUp(true);
      const token = await hre.ethers.deployContract("RebasingToken");
      const tokenAddress = await token.getAddress();
      await token.mint(address, 1_000n);
      await split.distribute(config, tokenAddress, ethers.ZeroAddress);
      await token.rebase(1, 2); // holds 500, owes 1,000
      await expect(split.distribute(config, tokenAddress, ethers.ZeroAddress))
        .to.be.revertedWithCustomError(split, "CofferSplitNothingToDistribute")
        .withArgs(tokenAddress, 500n, 1_000n);
      await split.connect(recipients[1]!).withdraw(tokenAddress, recipients[1]!.address); // 300 of the 500
      await expect(split.connect(recipients[0]!).withdraw(tokenAddress, recipients[0]!.address)).to.be.reverted;
    });
  });

  describe("given a token with 24 decimals", function () {
    it("divides large amounts exactly (no scaling)", async function () {
      const { config, split, address, recipients } = await setUp();
      const token = await hre.ethers.deployContract("MockERC20", ["Big", "BIG", 24]);
      const tokenAddress = await token.getAddress();
      const amount = 10n ** 30n + 3n;
      await token.mint(address, amount);
      await split.distribute(config, tokenAddress, ethers.ZeroAddress);
      const shares = splitOf(config, amount).shares;
      expect(
        await balancesOf(
          tokenAddress,
          recipients.map((r) => r.address),
        ),
      ).to.deep.equal(recipients.map((r) => shares.get(r.address)));
    });
  });

  describe("when the distributor gives too little gas", function () {
    it("reverts rather than crediting a recipient whose push it starved", async function () {
      const f = await loadSplits();
      const recipients = addressesOf("starved", 5);
      const config = equalConfig(recipients);
      const split = await createSplit(f, config);
      const usdc = await f.usdc.getAddress();
      await fund(f, usdc, await split.getAddress(), 5_000_000n);
      const needed = await split.distribute.estimateGas(config, usdc, ethers.ZeroAddress);
      let reverted = 0;
      let starved = 0;
      for (let limit = needed - 100_000n; limit <= needed; limit += 4_000n) {
        const snapshot = await hre.network.provider.send("evm_snapshot");
        try {
          await (await split.distribute(config, usdc, ethers.ZeroAddress, { gasLimit: limit })).wait();
          expect(await split.owed(usdc)).to.equal(0n);
        } catch (error) {
          // Out of gas outright, or a push starved of its stipend: CofferSplitPushStarved.
          if (String(error).includes("CofferSplitPushStarved")) starved += 1;
          reverted += 1;
        }
        await hre.network.provider.send("evm_revert", [snapshot]);
      }
      expect(reverted).to.be.greaterThan(0);
      expect(starved).to.be.greaterThan(0);
      await split.distribute(config, usdc, ethers.ZeroAddress, { gasLimit: needed });
      expect(await split.owed(usdc)).to.equal(0n);
      expect(await balancesOf(usdc, sortAddresses(recipients))).to.deep.equal(Array(5).fill(1_000_000n));
    });
  });
});

/** Matches the share of `account` in a distribution of `amount`. */
function anyShare(config: ReturnType<typeof configOf>, amount: bigint, account: string) {
  return (value: bigint) => value === splitOf(config, amount).shares.get(account);
}

/** Matches any address. */
function anyAddress() {
  return (value: string) => ethers.isAddress(value);
}
