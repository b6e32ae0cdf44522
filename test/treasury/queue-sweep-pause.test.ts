import { expect } from "chai";
import { time } from "@nomicfoundation/hardhat-network-helpers";
import { ethers } from "ethers";
import hre from "hardhat";
import type { ICofferTreasuryModule } from "../../typechain-types/contracts/treasury/CofferTreasuryModule";
import { DAY, UNIT, loadTreasury, type TreasuryFixture } from "./fixture";

/** The operator queues 20,000 USDC to the vendor; returns the transfer as emitted. */
async function queue(f: TreasuryFixture, amount = 20_000n * UNIT) {
  const receipt = await (
    await f.module.connect(f.operator).queueTransfer(f.safe, f.usdcAddress, f.vendor.address, amount)
  ).wait();
  const event = receipt!.logs.map((log) => f.module.interface.parseLog(log)).find((e) => e?.name === "TransferQueued");
  return {
    id: event!.args.transferId as string,
    transfer: event!.args.transfer.toObject() as ICofferTreasuryModule.QueuedTransferStruct & { eta: bigint },
  };
}

describe("CofferTreasuryModule queue, sweep and pause", function () {
  describe("queued transfers", function () {
    for (const [offset, executes] of [
      [-1, false],
      [0, true],
      [1, true],
    ] as const) {
      it(`${executes ? "execute" : "revert with CofferTreasuryTooEarly"} at the delay ${offset < 0 ? "-" : "+"} ${Math.abs(offset)} s, by anyone`, async function () {
        const f = await loadTreasury();
        const { id, transfer } = await queue(f);
        expect(await f.module.getQueuedStatus(id)).to.equal(1n);
        const vendorBefore = await f.usdc.balanceOf(f.vendor.address);
        await time.setNextBlockTimestamp(transfer.eta + BigInt(offset));
        const tx = f.module.connect(f.stranger).executeQueued(transfer);
        if (executes) {
          await expect(tx).to.emit(f.module, "TransferExecuted").withArgs(id, f.safe, f.stranger.address);
          expect(await f.usdc.balanceOf(f.vendor.address)).to.equal(vendorBefore + 20_000n * UNIT);
          await expect(f.module.executeQueued(transfer))
            .to.be.revertedWithCustomError(f.module, "CofferTreasuryNotQueued")
            .withArgs(id, 2n);
        } else {
          await expect(tx)
            .to.be.revertedWithCustomError(f.module, "CofferTreasuryTooEarly")
            .withArgs(id, transfer.eta, transfer.eta - 1n);
        }
      });
    }

    it("expires at the end of the execution window", async function () {
      const f = await loadTreasury();
      const { id, transfer } = await queue(f);
      const deadline = transfer.eta + 14n * 86_400n;
      await time.setNextBlockTimestamp(deadline);
      await expect(f.module.executeQueued(transfer))
        .to.be.revertedWithCustomError(f.module, "CofferTreasuryExpired")
        .withArgs(id, deadline, deadline);
    });

    it("is cancelled by the Safe and then never executes; nobody else can cancel", async function () {
      const f = await loadTreasury();
      const { id, transfer } = await queue(f);
      for (const caller of [f.operator, f.stranger, f.owners[0]!]) {
        await expect(f.module.connect(caller).cancelQueued(transfer))
          .to.be.revertedWithCustomError(f.module, "CofferTreasuryNotTheSafe")
          .withArgs(id, caller.address);
      }
      await f.policy(f.module.interface.encodeFunctionData("cancelQueued", [transfer]));
      expect(await f.module.getQueuedStatus(id)).to.equal(3n);
      await time.increase(3 * DAY);
      await expect(f.module.executeQueued(transfer))
        .to.be.revertedWithCustomError(f.module, "CofferTreasuryNotQueued")
        .withArgs(id, 3n);
    });

    it("refuses an altered transfer (another amount or recipient than queued)", async function () {
      const f = await loadTreasury();
      const { transfer } = await queue(f);
      await time.increase(3 * DAY);
      for (const altered of [
        { ...transfer, amount: 30_000n * UNIT },
        { ...transfer, to: f.stranger.address },
      ]) {
        await expect(f.module.executeQueued(altered)).to.be.revertedWithCustomError(
          f.module,
          "CofferTreasuryNotQueued",
        );
      }
    });

    it("can be queued only by an active operator", async function () {
      const f = await loadTreasury();
      for (const caller of [f.stranger, f.owners[0]!, f.vendor]) {
        await expect(f.module.connect(caller).queueTransfer(f.safe, f.usdcAddress, f.vendor.address, 1n))
          .to.be.revertedWithCustomError(f.module, "CofferTreasuryNotOperator")
          .withArgs(f.safe, caller.address);
      }
    });
  });

  describe("sweep", function () {
    it("moves what exceeds the cap to the cold address, by anyone", async function () {
      const f = await loadTreasury();
      await f.policy(
        f.module.interface.encodeFunctionData("setSweepRule", [f.usdcAddress, f.cold.address, 30_000n * UNIT]),
      );
      const excess = (await f.usdc.balanceOf(f.safe)) - 30_000n * UNIT;
      await expect(f.module.connect(f.stranger).sweep(f.safe, f.usdcAddress))
        .to.emit(f.module, "Swept")
        .withArgs(f.safe, f.usdcAddress, f.cold.address, excess);
      expect(await f.usdc.balanceOf(f.safe)).to.equal(30_000n * UNIT);
      await expect(f.module.sweep(f.safe, f.usdcAddress))
        .to.be.revertedWithCustomError(f.module, "CofferTreasuryNothingToSweep")
        .withArgs(f.safe, f.usdcAddress);
    });

    it("sweeps ETH through the Safe's module call", async function () {
      const f = await loadTreasury();
      const cap = (await hre.ethers.provider.getBalance(f.safe)) - ethers.parseEther("6");
      await f.policy(f.module.interface.encodeFunctionData("setSweepRule", [ethers.ZeroAddress, f.cold.address, cap]));
      await expect(f.module.sweep(f.safe, ethers.ZeroAddress)).to.changeEtherBalances(
        [f.safe, f.cold.address],
        [-ethers.parseEther("6"), ethers.parseEther("6")],
      );
    });

    it("does nothing without a rule", async function () {
      const f = await loadTreasury();
      await expect(f.module.sweep(f.safe, f.usdcAddress))
        .to.be.revertedWithCustomError(f.module, "CofferTreasuryNothingToSweep")
        .withArgs(f.safe, f.usdcAddress);
    });
  });

  describe("pause", function () {
    it("one paused operator cannot spend or queue, and its queued transfers wait; others go on", async function () {
      const f = await loadTreasury();
      const { transfer } = await queue(f);
      await f.policy(f.module.interface.encodeFunctionData("setOperator", [f.otherOperator.address, true, false]));
      await f.policy(
        f.module.interface.encodeFunctionData("setBudget", [
          f.otherOperator.address,
          f.usdcAddress,
          10n * UNIT,
          30 * DAY,
        ]),
      );
      await expect(f.policy(f.module.interface.encodeFunctionData("setOperatorPaused", [f.operator.address, true])))
        .to.emit(f.module, "OperatorPaused")
        .withArgs(f.safe, f.operator.address, true);
      await expect(f.module.connect(f.operator).transfer(f.safe, f.usdcAddress, f.vendor.address, 1n))
        .to.be.revertedWithCustomError(f.module, "CofferTreasuryOperatorPaused")
        .withArgs(f.safe, f.operator.address);
      await time.increase(3 * DAY);
      await expect(f.module.executeQueued(transfer))
        .to.be.revertedWithCustomError(f.module, "CofferTreasuryOperatorPaused")
        .withArgs(f.safe, f.operator.address);
      await expect(f.module.connect(f.otherOperator).transfer(f.safe, f.usdcAddress, f.vendor.address, 1n)).to.emit(
        f.module,
        "BudgetSpent",
      );
    });

    it("pausing the whole module stops budget transfers, queued executions and sweeps, on both payment paths", async function () {
      const f = await loadTreasury();
      const { transfer } = await queue(f);
      await f.policy(f.module.interface.encodeFunctionData("setSweepRule", [f.usdcAddress, f.cold.address, 0n]));
      await f.policy(f.module.interface.encodeFunctionData("setPaused", [true]));
      await time.increase(3 * DAY);
      for (const token of [f.usdcAddress, ethers.ZeroAddress]) {
        await expect(f.module.connect(f.operator).transfer(f.safe, token, f.vendor.address, 1n))
          .to.be.revertedWithCustomError(f.module, "CofferTreasuryPaused")
          .withArgs(f.safe);
      }
      await expect(f.module.executeQueued(transfer)).to.be.revertedWithCustomError(f.module, "CofferTreasuryPaused");
      await expect(f.module.sweep(f.safe, f.usdcAddress)).to.be.revertedWithCustomError(
        f.module,
        "CofferTreasuryPaused",
      );
      await f.policy(f.module.interface.encodeFunctionData("setPaused", [false]));
      await expect(f.module.executeQueued(transfer)).to.emit(f.module, "TransferExecuted");
    });
  });

  describe("policy is the calling Safe's own", function () {
    it("a stranger's policy calls change only the stranger's own entries, never the Safe's", async function () {
      const f = await loadTreasury();
      await f.module.connect(f.stranger).setPaused(true);
      await f.module.connect(f.stranger).setQueueDelay(30 * DAY);
      await f.module.connect(f.stranger).setQueueLimit(f.operator.address, f.usdcAddress, 0n, DAY);
      await f.module.connect(f.stranger).setOperatorPaused(f.operator.address, true);
      await f.module.connect(f.stranger).setSweepRule(f.usdcAddress, f.stranger.address, 0n);
      expect(await f.module.getSafeSettings(f.safe)).to.deep.equal([false, BigInt(2 * DAY)]);
      expect((await f.module.getQueueLimit(f.safe, f.operator.address, f.usdcAddress)).remaining).to.equal(
        50_000n * UNIT,
      );
      expect((await f.module.getOperator(f.safe, f.operator.address)).paused).to.equal(false);
      expect((await f.module.getSweepRule(f.safe, f.usdcAddress)).cold).to.equal(ethers.ZeroAddress);
      await expect(f.module.connect(f.operator).transfer(f.safe, f.usdcAddress, f.vendor.address, 1n)).to.emit(
        f.module,
        "BudgetSpent",
      );
    });
  });
});
