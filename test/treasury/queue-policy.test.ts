import { expect } from "chai";
import { time } from "@nomicfoundation/hardhat-network-helpers";
import { ethers } from "ethers";
import hre from "hardhat";
import { ensureTreasurySafe } from "../../deploy/safe";
import { devPrivateKey } from "../../scripts/lib/local-chain";
import { execSafeCall } from "../../scripts/lib/safe-exec";
import type { ICofferTreasuryModule } from "../../typechain-types/contracts/treasury/CofferTreasuryModule";
import { DAY, MONTH, UNIT, loadTreasury, periodStartOf, type TreasuryFixture } from "./fixture";

/**
 * The queue's policy: a queue limit per operator and token apart from the budget, a delay the Safe must set (within
 * bounds) before anything can be queued, pausing apart from the delay, execution re-checking what queueing checked,
 * budget and limit periods changed without granting spending, and a raised delay delaying what is already queued.
 */

const HOUR = 3_600;
const WEEK = 7 * DAY;
type Queued = ICofferTreasuryModule.QueuedTransferStruct & { eta: bigint; queuedAt: bigint };

/** The operator queues `amount` USDC to `to`; returns the transfer id and struct as emitted. */
async function queue(f: TreasuryFixture, amount: bigint, to = f.vendor.address) {
  const receipt = await (await f.module.connect(f.operator).queueTransfer(f.safe, f.usdcAddress, to, amount)).wait();
  const event = receipt!.logs.map((log) => f.module.interface.parseLog(log)).find((e) => e?.name === "TransferQueued");
  return { id: event!.args.transferId as string, transfer: event!.args.transfer.toObject() as Queued };
}

/** Moves the clock 10 s into the next window of `period` on the fixed grid; returns the window's start. */
async function startOfWindow(period: number): Promise<number> {
  const start = periodStartOf(await time.latest(), period) + period;
  await time.increaseTo(start + 10);
  return start;
}

/**
 * A second real Safe v1.4.1 (2-of-3, same owners, another salt) that did only what a careless treasury would do:
 * enable the module, enable an operator and give it a budget of 1,000 USDC a day. No delay, no queue limit.
 */
async function freshSafe() {
  const f = await loadTreasury();
  const [deployer] = await hre.ethers.getSigners();
  const { address: safe } = await ensureTreasurySafe(
    deployer!,
    { owners: f.owners.map((owner) => owner.address), threshold: 2, saltNonce: 17n },
    () => undefined,
  );
  const moduleAddress = await f.module.getAddress();
  const asSafe = (to: string, data: string) =>
    execSafeCall(safe, [devPrivateKey(1), devPrivateKey(2)], f.keeper, { to, data });
  const policy = (data: string) => asSafe(moduleAddress, data);
  await f.usdc.mint(safe, 100_000n * UNIT);
  await asSafe(
    safe,
    new ethers.Interface(["function enableModule(address module)"]).encodeFunctionData("enableModule", [moduleAddress]),
  );
  await policy(f.module.interface.encodeFunctionData("setOperator", [f.operator.address, true, false]));
  await policy(
    f.module.interface.encodeFunctionData("setBudget", [f.operator.address, f.usdcAddress, 1_000n * UNIT, DAY]),
  );
  return { ...f, safe, asSafe, policy };
}

describe("CofferTreasuryModule queue policy", function () {
  describe("given a Safe that enabled an operator with a budget and set nothing else", function () {
    it("refuses to queue anything, for any amount, with CofferTreasuryNoDelay", async function () {
      const f = await freshSafe();
      expect(await f.module.getSafeSettings(f.safe)).to.deep.equal([false, 0n]);
      const balance = await f.usdc.balanceOf(f.safe);
      for (const amount of [balance, 1_001n * UNIT, 1n]) {
        await expect(f.module.connect(f.operator).queueTransfer(f.safe, f.usdcAddress, f.vendor.address, amount))
          .to.be.revertedWithCustomError(f.module, "CofferTreasuryNoDelay")
          .withArgs(f.safe);
      }
      expect(await f.usdc.balanceOf(f.safe)).to.equal(balance);
    });

    it("lets the operator spend its budget and nothing more: the rest of the balance never leaves in one block", async function () {
      const f = await freshSafe();
      await startOfWindow(DAY);
      const balance = await f.usdc.balanceOf(f.safe);
      await hre.network.provider.send("evm_setAutomine", [false]);
      try {
        const operator = f.module.connect(f.operator);
        const spend = await operator.transfer(f.safe, f.usdcAddress, f.vendor.address, 1_000n * UNIT, {
          gasLimit: 500_000,
        });
        const more = await operator.transfer(f.safe, f.usdcAddress, f.vendor.address, 1n, { gasLimit: 500_000 });
        const queued = await operator.queueTransfer(f.safe, f.usdcAddress, f.vendor.address, balance - 1_000n * UNIT, {
          gasLimit: 500_000,
        });
        await hre.network.provider.send("evm_mine", []);
        const statuses = await Promise.all(
          [spend, more, queued].map(async (tx) => (await hre.ethers.provider.getTransactionReceipt(tx.hash))!.status),
        );
        expect(statuses).to.deep.equal([1, 0, 0]);
      } finally {
        await hre.network.provider.send("evm_setAutomine", [true]);
      }
      expect(await f.usdc.balanceOf(f.safe)).to.equal(balance - 1_000n * UNIT);
    });

    it("with only a delay set, refuses to queue with CofferTreasuryQueueLimitExceeded and nothing remaining", async function () {
      const f = await freshSafe();
      await f.policy(f.module.interface.encodeFunctionData("setQueueDelay", [HOUR]));
      await expect(f.module.connect(f.operator).queueTransfer(f.safe, f.usdcAddress, f.vendor.address, 1n))
        .to.be.revertedWithCustomError(f.module, "CofferTreasuryQueueLimitExceeded")
        .withArgs(f.safe, f.operator.address, f.usdcAddress, 1n, 0n);
    });

    it("with a limit of the whole balance and the shortest delay, nothing queued executes in the block it was queued", async function () {
      const f = await freshSafe();
      const balance = await f.usdc.balanceOf(f.safe);
      await f.policy(f.module.interface.encodeFunctionData("setQueueDelay", [HOUR]));
      await f.policy(
        f.module.interface.encodeFunctionData("setQueueLimit", [f.operator.address, f.usdcAddress, balance, DAY]),
      );
      await hre.network.provider.send("evm_setAutomine", [false]);
      let queued: ethers.TransactionResponse;
      let executed: ethers.TransactionResponse;
      try {
        queued = await f.module
          .connect(f.operator)
          .queueTransfer(f.safe, f.usdcAddress, f.vendor.address, balance, { gasLimit: 500_000 });
        // The transfer the queueing will emit: its time is the next block's.
        const timestamp = (await time.latest()) + 1;
        await time.setNextBlockTimestamp(timestamp);
        const transfer = {
          safe: f.safe,
          token: f.usdcAddress,
          to: f.vendor.address,
          amount: balance,
          operator: f.operator.address,
          queuedAt: timestamp,
          eta: timestamp + HOUR,
          nonce: 1n,
        };
        executed = await f.module.connect(f.keeper).executeQueued(transfer, { gasLimit: 500_000 });
        await hre.network.provider.send("evm_mine", []);
      } finally {
        await hre.network.provider.send("evm_setAutomine", [true]);
      }
      expect((await hre.ethers.provider.getTransactionReceipt(queued.hash))!.status).to.equal(1);
      expect((await hre.ethers.provider.getTransactionReceipt(executed.hash))!.status).to.equal(0);
      expect(await f.usdc.balanceOf(f.safe)).to.equal(balance);
    });
  });

  describe("setQueueLimit", function () {
    it("bounds what an operator may queue per period; cancelling gives nothing back; the next period starts afresh", async function () {
      const f = await loadTreasury();
      const start = await startOfWindow(MONTH);
      await expect(
        f.policy(
          f.module.interface.encodeFunctionData("setQueueLimit", [
            f.operator.address,
            f.usdcAddress,
            30_000n * UNIT,
            MONTH,
          ]),
        ),
      )
        .to.emit(f.module, "QueueLimitSet")
        .withArgs(f.safe, f.operator.address, f.usdcAddress, 30_000n * UNIT, MONTH);
      const first = await queue(f, 20_000n * UNIT);
      await f.policy(f.module.interface.encodeFunctionData("cancelQueued", [first.transfer]));
      const [limit, remaining] = await f.module.getQueueLimit(f.safe, f.operator.address, f.usdcAddress);
      expect([limit.amount, limit.spent, limit.period, remaining]).to.deep.equal([
        30_000n * UNIT,
        20_000n * UNIT,
        BigInt(MONTH),
        10_000n * UNIT,
      ]);
      await expect(
        f.module.connect(f.operator).queueTransfer(f.safe, f.usdcAddress, f.vendor.address, 10_000n * UNIT + 1n),
      )
        .to.be.revertedWithCustomError(f.module, "CofferTreasuryQueueLimitExceeded")
        .withArgs(f.safe, f.operator.address, f.usdcAddress, 10_000n * UNIT + 1n, 10_000n * UNIT);
      await queue(f, 10_000n * UNIT);
      await expect(f.module.connect(f.operator).queueTransfer(f.safe, f.usdcAddress, f.vendor.address, 1n))
        .to.be.revertedWithCustomError(f.module, "CofferTreasuryQueueLimitExceeded")
        .withArgs(f.safe, f.operator.address, f.usdcAddress, 1n, 0n);
      await time.setNextBlockTimestamp(start + MONTH);
      await queue(f, 30_000n * UNIT);
    });

    it("is kept per token: an ETH limit does not allow a token, nor the other way round", async function () {
      const f = await loadTreasury();
      await f.policy(
        f.module.interface.encodeFunctionData("setQueueLimit", [f.operator.address, f.usdcAddress, 0n, MONTH]),
      );
      await expect(f.module.connect(f.operator).queueTransfer(f.safe, f.usdcAddress, f.vendor.address, 1n))
        .to.be.revertedWithCustomError(f.module, "CofferTreasuryQueueLimitExceeded")
        .withArgs(f.safe, f.operator.address, f.usdcAddress, 1n, 0n);
      const five = ethers.parseEther("5");
      await expect(f.module.connect(f.operator).queueTransfer(f.safe, ethers.ZeroAddress, f.vendor.address, five + 1n))
        .to.be.revertedWithCustomError(f.module, "CofferTreasuryQueueLimitExceeded")
        .withArgs(f.safe, f.operator.address, ethers.ZeroAddress, five + 1n, five);
      await expect(
        f.module.connect(f.operator).queueTransfer(f.safe, ethers.ZeroAddress, f.vendor.address, five),
      ).to.emit(f.module, "TransferQueued");
    });

    it("refuses a zero period with CofferTreasuryInvalidValue(0)", async function () {
      const f = await loadTreasury();
      await expect(f.module.connect(f.stranger).setQueueLimit(f.operator.address, f.usdcAddress, 1n, 0))
        .to.be.revertedWithCustomError(f.module, "CofferTreasuryInvalidValue")
        .withArgs(0n);
    });
  });

  describe("setQueueDelay and setPaused", function () {
    for (const [delay, accepted] of [
      [HOUR - 1, false],
      [HOUR, true],
      [30 * DAY, true],
      [30 * DAY + 1, false],
      [0, false],
    ] as const) {
      it(`${accepted ? "accepts" : "refuses with CofferTreasuryInvalidDelay"} a delay of ${delay} s`, async function () {
        const f = await loadTreasury();
        const data = f.module.interface.encodeFunctionData("setQueueDelay", [delay]);
        if (accepted) {
          await expect(f.policy(data)).to.emit(f.module, "QueueDelaySet").withArgs(f.safe, delay);
          expect((await f.module.getSafeSettings(f.safe)).delay).to.equal(BigInt(delay));
        } else {
          await expect(f.policy(data)).to.be.rejected;
          // The module's own error, as the Safe's call receives it.
          await hre.network.provider.send("hardhat_impersonateAccount", [f.safe]);
          const safeSigner = await hre.ethers.getSigner(f.safe);
          await expect(f.module.connect(safeSigner).setQueueDelay(delay))
            .to.be.revertedWithCustomError(f.module, "CofferTreasuryInvalidDelay")
            .withArgs(delay, HOUR, 30 * DAY);
          await hre.network.provider.send("hardhat_stopImpersonatingAccount", [f.safe]);
          expect((await f.module.getSafeSettings(f.safe)).delay).to.equal(BigInt(2 * DAY));
        }
      });
    }

    it("pausing and unpausing leave the delay as it was", async function () {
      const f = await loadTreasury();
      await expect(f.policy(f.module.interface.encodeFunctionData("setPaused", [true])))
        .to.emit(f.module, "PausedSet")
        .withArgs(f.safe, true);
      expect(await f.module.getSafeSettings(f.safe)).to.deep.equal([true, BigInt(2 * DAY)]);
      await expect(f.module.connect(f.operator).queueTransfer(f.safe, f.usdcAddress, f.vendor.address, 1n))
        .to.be.revertedWithCustomError(f.module, "CofferTreasuryPaused")
        .withArgs(f.safe);
      await expect(f.policy(f.module.interface.encodeFunctionData("setPaused", [false])))
        .to.emit(f.module, "PausedSet")
        .withArgs(f.safe, false);
      expect(await f.module.getSafeSettings(f.safe)).to.deep.equal([false, BigInt(2 * DAY)]);
      const { transfer } = await queue(f, 1n);
      expect(transfer.eta - transfer.queuedAt).to.equal(BigInt(2 * DAY));
    });
  });

  describe("executeQueued re-checks what queueing checked", function () {
    async function restricted() {
      const f = await loadTreasury();
      await f.policy(f.module.interface.encodeFunctionData("setOperator", [f.operator.address, true, true]));
      await f.policy(
        f.module.interface.encodeFunctionData("setRecipient", [f.operator.address, f.vendor.address, true]),
      );
      const queued = await queue(f, 20_000n * UNIT);
      await time.increase(2 * DAY);
      return { f, ...queued };
    }

    it("refuses a recipient the Safe removed since, with CofferTreasuryRecipientNotAllowed; pays it once allowed again", async function () {
      const { f, id, transfer } = await restricted();
      await f.policy(
        f.module.interface.encodeFunctionData("setRecipient", [f.operator.address, f.vendor.address, false]),
      );
      const before = await f.usdc.balanceOf(f.vendor.address);
      await expect(f.module.connect(f.keeper).executeQueued(transfer))
        .to.be.revertedWithCustomError(f.module, "CofferTreasuryRecipientNotAllowed")
        .withArgs(f.safe, f.operator.address, f.vendor.address);
      expect(await f.usdc.balanceOf(f.vendor.address)).to.equal(before);
      expect(await f.module.getQueuedStatus(id)).to.equal(1n);
      await f.policy(
        f.module.interface.encodeFunctionData("setRecipient", [f.operator.address, f.vendor.address, true]),
      );
      await expect(f.module.connect(f.keeper).executeQueued(transfer)).to.changeTokenBalances(
        f.usdc,
        [f.safe, f.vendor.address],
        [-20_000n * UNIT, 20_000n * UNIT],
      );
    });

    it("refuses a transfer of an operator the Safe restricted since, to a recipient it never allowed", async function () {
      const f = await loadTreasury();
      const { transfer } = await queue(f, 20_000n * UNIT, f.stranger.address);
      await f.policy(f.module.interface.encodeFunctionData("setOperator", [f.operator.address, true, true]));
      await time.increase(2 * DAY);
      await expect(f.module.connect(f.keeper).executeQueued(transfer))
        .to.be.revertedWithCustomError(f.module, "CofferTreasuryRecipientNotAllowed")
        .withArgs(f.safe, f.operator.address, f.stranger.address);
    });
  });

  describe("changing a period never grants spending", function () {
    it("a budget spent in full today stays spent when the Safe tightens it from daily to weekly", async function () {
      const f = await loadTreasury();
      const setBudget = (period: number) =>
        f.policy(
          f.module.interface.encodeFunctionData("setBudget", [
            f.operator.address,
            f.usdcAddress,
            1_000n * UNIT,
            period,
          ]),
        );
      await setBudget(DAY);
      await startOfWindow(WEEK); // a week's start is a day's start too
      await f.module.connect(f.operator).transfer(f.safe, f.usdcAddress, f.vendor.address, 1_000n * UNIT);
      await setBudget(WEEK);
      expect((await f.module.getBudget(f.safe, f.operator.address, f.usdcAddress)).remaining).to.equal(0n);
      await expect(f.module.connect(f.operator).transfer(f.safe, f.usdcAddress, f.vendor.address, 1n))
        .to.be.revertedWithCustomError(f.module, "CofferTreasuryBudgetExceeded")
        .withArgs(f.safe, f.operator.address, f.usdcAddress, 1n, 0n);
      // The next day is still the same week.
      await time.increase(DAY);
      await expect(f.module.connect(f.operator).transfer(f.safe, f.usdcAddress, f.vendor.address, 1n))
        .to.be.revertedWithCustomError(f.module, "CofferTreasuryBudgetExceeded")
        .withArgs(f.safe, f.operator.address, f.usdcAddress, 1n, 0n);
    });

    it("what was spent in a window already over does not carry into the new period", async function () {
      const f = await loadTreasury();
      await f.policy(
        f.module.interface.encodeFunctionData("setBudget", [f.operator.address, f.usdcAddress, 1_000n * UNIT, DAY]),
      );
      const start = await startOfWindow(DAY);
      await f.module.connect(f.operator).transfer(f.safe, f.usdcAddress, f.vendor.address, 1_000n * UNIT);
      await time.increaseTo(start + DAY + 10);
      await f.policy(
        f.module.interface.encodeFunctionData("setBudget", [f.operator.address, f.usdcAddress, 1_000n * UNIT, WEEK]),
      );
      expect((await f.module.getBudget(f.safe, f.operator.address, f.usdcAddress)).remaining).to.equal(1_000n * UNIT);
    });

    it("a queue limit used in full today stays used when the Safe tightens it from daily to weekly", async function () {
      const f = await loadTreasury();
      const setLimit = (period: number) =>
        f.policy(
          f.module.interface.encodeFunctionData("setQueueLimit", [
            f.operator.address,
            f.usdcAddress,
            20_000n * UNIT,
            period,
          ]),
        );
      await setLimit(DAY);
      await startOfWindow(WEEK);
      await queue(f, 20_000n * UNIT);
      await setLimit(WEEK);
      await expect(f.module.connect(f.operator).queueTransfer(f.safe, f.usdcAddress, f.vendor.address, 1n))
        .to.be.revertedWithCustomError(f.module, "CofferTreasuryQueueLimitExceeded")
        .withArgs(f.safe, f.operator.address, f.usdcAddress, 1n, 0n);
    });
  });

  describe("changing the delay of transfers already queued", function () {
    it("a raised delay holds a queued transfer until its queuing time + the new delay, and moves its deadline too", async function () {
      const f = await loadTreasury();
      const { id, transfer } = await queue(f, 20_000n * UNIT);
      await f.policy(f.module.interface.encodeFunctionData("setQueueDelay", [5 * DAY]));
      const earliest = transfer.queuedAt + BigInt(5 * DAY);
      const deadline = earliest + BigInt(14 * DAY);
      expect(await f.module.getExecutionWindow(transfer)).to.deep.equal([earliest, deadline]);
      await time.setNextBlockTimestamp(transfer.eta);
      await expect(f.module.executeQueued(transfer))
        .to.be.revertedWithCustomError(f.module, "CofferTreasuryTooEarly")
        .withArgs(id, earliest, transfer.eta);
      await time.setNextBlockTimestamp(earliest - 1n);
      await expect(f.module.executeQueued(transfer))
        .to.be.revertedWithCustomError(f.module, "CofferTreasuryTooEarly")
        .withArgs(id, earliest, earliest - 1n);
      // Past the deadline of the old delay, within the new one.
      await time.setNextBlockTimestamp(transfer.eta + BigInt(14 * DAY));
      await expect(f.module.executeQueued(transfer)).to.emit(f.module, "TransferExecuted");
    });

    it("a raised delay makes a transfer expire only at its new deadline", async function () {
      const f = await loadTreasury();
      const { id, transfer } = await queue(f, 20_000n * UNIT);
      await f.policy(f.module.interface.encodeFunctionData("setQueueDelay", [5 * DAY]));
      const deadline = transfer.queuedAt + BigInt(5 * DAY + 14 * DAY);
      await time.setNextBlockTimestamp(deadline);
      await expect(f.module.executeQueued(transfer))
        .to.be.revertedWithCustomError(f.module, "CofferTreasuryExpired")
        .withArgs(id, deadline, deadline);
    });

    it("a lowered delay speeds no queued transfer up", async function () {
      const f = await loadTreasury();
      const { id, transfer } = await queue(f, 20_000n * UNIT);
      await f.policy(f.module.interface.encodeFunctionData("setQueueDelay", [HOUR]));
      expect((await f.module.getExecutionWindow(transfer))[0]).to.equal(transfer.eta);
      await time.setNextBlockTimestamp(transfer.queuedAt + BigInt(HOUR) + 1n);
      await expect(f.module.executeQueued(transfer))
        .to.be.revertedWithCustomError(f.module, "CofferTreasuryTooEarly")
        .withArgs(id, transfer.eta, transfer.queuedAt + BigInt(HOUR) + 1n);
      await time.setNextBlockTimestamp(transfer.eta);
      await expect(f.module.executeQueued(transfer)).to.emit(f.module, "TransferExecuted");
      // A transfer queued after the change waits only the new delay.
      const later = await queue(f, 1n);
      expect(later.transfer.eta - later.transfer.queuedAt).to.equal(BigInt(HOUR));
    });
  });
});
