import { expect } from "chai";
import { time } from "@nomicfoundation/hardhat-network-helpers";
import { ethers } from "ethers";
import hre from "hardhat";
import type { ICofferTreasuryModule } from "../../typechain-types/contracts/treasury/CofferTreasuryModule";
import { DAY, MONTH, UNIT, loadTreasury, periodStartOf, type TreasuryFixture } from "./fixture";

/**
 * The guards of `CofferTreasuryModule` that the behaviour suites leave untouched: zero addresses and amounts,
 * a zero budget period, budgets re-set within a period, cancelling what is not queued, an operator disabled
 * between queueing and execution, the budget view, and the reentrancy guard on every fund-moving entry point
 * (reached from an ETH receiver paid by the Safe, and from a token's transfer hook). Policy goes through the real
 * treasury Safe; a policy call the module refuses makes the Safe transaction revert, and the module's own error is
 * read by simulating the same call from the Safe's address.
 */

type Queued = ICofferTreasuryModule.QueuedTransferStruct & { eta: bigint };

/** The operator queues `amount` of `token` to `to`; returns the transfer id and struct as emitted. */
async function queue(f: TreasuryFixture, token: string, to: string, amount: bigint, operator = f.operator) {
  const receipt = await (await f.module.connect(operator).queueTransfer(f.safe, token, to, amount)).wait();
  const event = receipt!.logs.map((log) => f.module.interface.parseLog(log)).find((e) => e?.name === "TransferQueued");
  return { id: event!.args.transferId as string, transfer: event!.args.transfer.toObject() as Queued };
}

/** A policy call simulated with the treasury Safe as the caller (what the Safe's module call would get back). */
const asSafeCall = async (f: TreasuryFixture, data: string) =>
  hre.ethers.provider.call({ from: f.safe, to: await f.module.getAddress(), data });

/** Moves the clock 10 s into the next budget period, so that a test's transfers share one period. */
async function startOfPeriod(): Promise<number> {
  const start = periodStartOf(await time.latest()) + MONTH;
  await time.increaseTo(start + 10);
  return start;
}

describe("CofferTreasuryModule guards", function () {
  describe("setOperator", function () {
    describe("when the operator is the zero address", function () {
      it("reverts with CofferTreasuryZeroAddress, and the Safe's transaction fails", async function () {
        const f = await loadTreasury();
        const data = f.module.interface.encodeFunctionData("setOperator", [ethers.ZeroAddress, true, false]);
        await expect(asSafeCall(f, data)).to.be.revertedWithCustomError(f.module, "CofferTreasuryZeroAddress");
        await expect(f.policy(data)).to.be.rejected;
        expect((await f.module.getOperator(f.safe, ethers.ZeroAddress)).enabled).to.equal(false);
      });
    });
  });

  describe("setBudget", function () {
    describe("when the period is 0", function () {
      it("reverts with CofferTreasuryInvalidValue(0) and the budget stays as it was", async function () {
        const f = await loadTreasury();
        const data = f.module.interface.encodeFunctionData("setBudget", [f.operator.address, f.usdcAddress, 1n, 0]);
        await expect(asSafeCall(f, data))
          .to.be.revertedWithCustomError(f.module, "CofferTreasuryInvalidValue")
          .withArgs(0n);
        await expect(f.policy(data)).to.be.rejected;
        const [budget] = await f.module.getBudget(f.safe, f.operator.address, f.usdcAddress);
        expect(budget.amount).to.equal(1_000n * UNIT);
        expect(budget.period).to.equal(BigInt(MONTH));
      });
    });

    describe("given part of the budget was spent this period", function () {
      it("keeps what was spent when the period length is unchanged, and carries it into the new period when the length changes", async function () {
        const f = await loadTreasury();
        await startOfPeriod();
        await f.module.connect(f.operator).transfer(f.safe, f.usdcAddress, f.vendor.address, 400n * UNIT);
        const setBudget = (amount: bigint, period: number) =>
          f.policy(
            f.module.interface.encodeFunctionData("setBudget", [f.operator.address, f.usdcAddress, amount, period]),
          );

        await setBudget(500n * UNIT, MONTH);
        let [budget, remaining] = await f.module.getBudget(f.safe, f.operator.address, f.usdcAddress);
        expect(budget.spent).to.equal(400n * UNIT);
        expect(remaining).to.equal(100n * UNIT);
        await expect(f.module.connect(f.operator).transfer(f.safe, f.usdcAddress, f.vendor.address, 100n * UNIT + 1n))
          .to.be.revertedWithCustomError(f.module, "CofferTreasuryBudgetExceeded")
          .withArgs(f.safe, f.operator.address, f.usdcAddress, 100n * UNIT + 1n, 100n * UNIT);

        await setBudget(500n * UNIT, 7 * DAY);
        [budget, remaining] = await f.module.getBudget(f.safe, f.operator.address, f.usdcAddress);
        expect(budget.spent).to.equal(400n * UNIT);
        expect(remaining).to.equal(100n * UNIT);
        await expect(
          f.module.connect(f.operator).transfer(f.safe, f.usdcAddress, f.vendor.address, 100n * UNIT),
        ).to.changeTokenBalances(f.usdc, [f.safe, f.vendor.address], [-100n * UNIT, 100n * UNIT]);
      });
    });
  });

  describe("getBudget", function () {
    describe("given no budget for the token", function () {
      it("returns an empty budget and nothing remaining", async function () {
        const f = await loadTreasury();
        const [budget, remaining] = await f.module.getBudget(f.safe, f.otherOperator.address, f.usdcAddress);
        expect(budget.period).to.equal(0n);
        expect(budget.amount).to.equal(0n);
        expect(remaining).to.equal(0n);
      });
    });

    describe("given the budget was spent in an earlier period", function () {
      it("reports the whole amount remaining from the next period start, and the spent amount until then", async function () {
        const f = await loadTreasury();
        const start = await startOfPeriod();
        await f.module.connect(f.operator).transfer(f.safe, f.usdcAddress, f.vendor.address, 1_000n * UNIT);
        await time.increaseTo(start + MONTH - 1);
        let [budget, remaining] = await f.module.getBudget(f.safe, f.operator.address, f.usdcAddress);
        expect(remaining).to.equal(0n);
        await time.increaseTo(start + MONTH);
        [budget, remaining] = await f.module.getBudget(f.safe, f.operator.address, f.usdcAddress);
        expect(budget.spent).to.equal(1_000n * UNIT); // as stored; the view applies the new period
        expect(remaining).to.equal(1_000n * UNIT);
      });
    });
  });

  describe("transfer", function () {
    describe("when the recipient is the zero address", function () {
      it("reverts with CofferTreasuryZeroAddress, for tokens and ETH, spending no budget", async function () {
        const f = await loadTreasury();
        for (const token of [f.usdcAddress, ethers.ZeroAddress]) {
          await expect(
            f.module.connect(f.operator).transfer(f.safe, token, ethers.ZeroAddress, 1n),
          ).to.be.revertedWithCustomError(f.module, "CofferTreasuryZeroAddress");
          const [budget] = await f.module.getBudget(f.safe, f.operator.address, token);
          expect(budget.spent).to.equal(0n);
        }
      });
    });

    describe("when the amount is 0", function () {
      it("reverts with CofferTreasuryInvalidValue(0) and emits no BudgetSpent", async function () {
        const f = await loadTreasury();
        await expect(f.module.connect(f.operator).transfer(f.safe, f.usdcAddress, f.vendor.address, 0n))
          .to.be.revertedWithCustomError(f.module, "CofferTreasuryInvalidValue")
          .withArgs(0n);
      });
    });
  });

  describe("queueTransfer", function () {
    describe("when the recipient is the zero address", function () {
      it("reverts with CofferTreasuryZeroAddress", async function () {
        const f = await loadTreasury();
        await expect(
          f.module.connect(f.operator).queueTransfer(f.safe, f.usdcAddress, ethers.ZeroAddress, 1n),
        ).to.be.revertedWithCustomError(f.module, "CofferTreasuryZeroAddress");
      });
    });

    describe("when the amount is 0", function () {
      it("reverts with CofferTreasuryInvalidValue(0)", async function () {
        const f = await loadTreasury();
        await expect(f.module.connect(f.operator).queueTransfer(f.safe, f.usdcAddress, f.vendor.address, 0n))
          .to.be.revertedWithCustomError(f.module, "CofferTreasuryInvalidValue")
          .withArgs(0n);
      });
    });
  });

  describe("cancelQueued", function () {
    describe("given the transfer was never queued, or was already executed or cancelled", function () {
      it("reverts with CofferTreasuryNotQueued and the status, and the Safe's transaction fails", async function () {
        const f = await loadTreasury();
        const { id, transfer } = await queue(f, f.usdcAddress, f.vendor.address, 20_000n * UNIT);
        const never = { ...transfer, nonce: BigInt(transfer.nonce) + 1_000n };
        const neverId = await f.module.getTransferId(never);
        const cancel = (queued: Queued) => f.module.interface.encodeFunctionData("cancelQueued", [queued]);

        await expect(asSafeCall(f, cancel(never)))
          .to.be.revertedWithCustomError(f.module, "CofferTreasuryNotQueued")
          .withArgs(neverId, 0n);
        await expect(f.policy(cancel(never))).to.be.rejected;

        await f.policy(cancel(transfer));
        expect(await f.module.getQueuedStatus(id)).to.equal(3n);
        await expect(asSafeCall(f, cancel(transfer)))
          .to.be.revertedWithCustomError(f.module, "CofferTreasuryNotQueued")
          .withArgs(id, 3n);

        const executed = await queue(f, f.usdcAddress, f.vendor.address, 20_000n * UNIT);
        await time.increase(2 * DAY);
        await f.module.connect(f.keeper).executeQueued(executed.transfer);
        await expect(asSafeCall(f, cancel(executed.transfer)))
          .to.be.revertedWithCustomError(f.module, "CofferTreasuryNotQueued")
          .withArgs(executed.id, 2n);
        await expect(f.policy(cancel(executed.transfer))).to.be.rejected;
        expect(await f.module.getQueuedStatus(executed.id)).to.equal(2n);
      });
    });
  });

  describe("executeQueued", function () {
    describe("given the Safe disabled the operator after it queued the transfer", function () {
      it("reverts with CofferTreasuryNotOperator and pays nothing; re-enabled, the transfer executes", async function () {
        const f = await loadTreasury();
        const amount = 20_000n * UNIT;
        const { id, transfer } = await queue(f, f.usdcAddress, f.vendor.address, amount);
        await f.policy(f.module.interface.encodeFunctionData("setOperator", [f.operator.address, false, false]));
        await time.increase(2 * DAY);
        await expect(f.module.connect(f.keeper).executeQueued(transfer))
          .to.be.revertedWithCustomError(f.module, "CofferTreasuryNotOperator")
          .withArgs(f.safe, f.operator.address);
        expect(await f.module.getQueuedStatus(id)).to.equal(1n);
        await f.policy(f.module.interface.encodeFunctionData("setOperator", [f.operator.address, true, false]));
        await expect(f.module.connect(f.keeper).executeQueued(transfer)).to.changeTokenBalances(
          f.usdc,
          [f.safe, f.vendor.address],
          [-amount, amount],
        );
      });
    });
  });

  describe("reentrancy", function () {
    const ONE = ethers.parseEther("1");
    const TENTH = ethers.parseEther("0.1");

    /**
     * A ReentrantReceiver that the Safe enabled as a second operator (1 ETH and 1,000 USDC per 30 days) and that
     * the first operator pays in ETH: its `receive` runs while the module is paying, and every call it is armed with
     * would succeed on its own.
     */
    async function setup() {
      const f = await loadTreasury();
      await startOfPeriod();
      const receiver = await hre.ethers.deployContract("ReentrantReceiver");
      const receiverAddress = await receiver.getAddress();
      const moduleAddress = await f.module.getAddress();
      const iface = f.module.interface;
      await f.policy(iface.encodeFunctionData("setOperator", [receiverAddress, true, false]));
      await f.policy(iface.encodeFunctionData("setBudget", [receiverAddress, ethers.ZeroAddress, ONE, MONTH]));
      await f.policy(iface.encodeFunctionData("setBudget", [receiverAddress, f.usdcAddress, 1_000n * UNIT, MONTH]));
      await f.policy(
        iface.encodeFunctionData("setQueueLimit", [receiverAddress, f.usdcAddress, 10_000n * UNIT, MONTH]),
      );
      const guardError = iface.encodeErrorResult("ReentrancyGuardReentrantCall", []);
      /** The first operator pays the receiver `TENTH` ETH; the payment succeeds and the nested call failed. */
      const payReceiver = async () => {
        const tx = f.module.connect(f.operator).transfer(f.safe, ethers.ZeroAddress, receiverAddress, TENTH);
        await expect(tx).to.changeEtherBalances([f.safe, receiverAddress], [-TENTH, TENTH]);
        expect(await receiver.callbackCount()).to.equal(1n);
        expect(await receiver.lastCallbackSucceeded()).to.equal(false);
        expect(await receiver.lastCallbackReturnData()).to.equal(guardError);
        return tx;
      };
      return { f, receiver, receiverAddress, moduleAddress, iface, guardError, payReceiver };
    }

    describe("when the paid receiver re-enters transfer as an operator", function () {
      it("fails with ReentrancyGuardReentrantCall: one payment, the receiver's budget untouched", async function () {
        const s = await setup();
        await s.receiver.arm(
          s.moduleAddress,
          s.iface.encodeFunctionData("transfer", [s.f.safe, ethers.ZeroAddress, s.receiverAddress, TENTH]),
        );
        const tx = await s.payReceiver();
        await expect(tx)
          .to.emit(s.f.module, "BudgetSpent")
          .withArgs(s.f.safe, s.f.operator.address, ethers.ZeroAddress, s.receiverAddress, TENTH, TENTH);
        const [, remaining] = await s.f.module.getBudget(s.f.safe, s.receiverAddress, ethers.ZeroAddress);
        expect(remaining).to.equal(ONE);
      });
    });

    describe("when the paid receiver re-enters queueTransfer as an operator", function () {
      it("fails with ReentrancyGuardReentrantCall and nothing is queued", async function () {
        const s = await setup();
        await s.receiver.arm(
          s.moduleAddress,
          s.iface.encodeFunctionData("queueTransfer", [s.f.safe, s.f.usdcAddress, s.receiverAddress, 5_000n * UNIT]),
        );
        const tx = await s.payReceiver();
        await expect(tx).not.to.emit(s.f.module, "TransferQueued");
      });
    });

    describe("when the receiver of a queued transfer re-enters executeQueued for another due transfer", function () {
      it("fails with ReentrancyGuardReentrantCall; the other stays queued and executes on its own", async function () {
        const s = await setup();
        const first = await queue(s.f, ethers.ZeroAddress, s.receiverAddress, TENTH);
        const second = await queue(s.f, s.f.usdcAddress, s.f.vendor.address, 20_000n * UNIT);
        await time.increase(2 * DAY);
        await s.receiver.arm(s.moduleAddress, s.iface.encodeFunctionData("executeQueued", [second.transfer]));
        const tx = s.f.module.connect(s.f.keeper).executeQueued(first.transfer);
        await expect(tx).to.changeEtherBalances([s.f.safe, s.receiverAddress], [-TENTH, TENTH]);
        await expect(tx).to.changeTokenBalances(s.f.usdc, [s.f.safe, s.f.vendor.address], [0n, 0n]);
        expect(await s.receiver.lastCallbackSucceeded()).to.equal(false);
        expect(await s.receiver.lastCallbackReturnData()).to.equal(s.guardError);
        expect(await s.f.module.getQueuedStatus(first.id)).to.equal(2n);
        expect(await s.f.module.getQueuedStatus(second.id)).to.equal(1n);
        await expect(s.f.module.connect(s.f.keeper).executeQueued(second.transfer)).to.changeTokenBalances(
          s.f.usdc,
          [s.f.safe, s.f.vendor.address],
          [-20_000n * UNIT, 20_000n * UNIT],
        );
      });
    });

    describe("when the paid receiver re-enters sweep", function () {
      it("fails with ReentrancyGuardReentrantCall and nothing is swept", async function () {
        const s = await setup();
        await s.f.policy(
          s.iface.encodeFunctionData("setSweepRule", [s.f.usdcAddress, s.f.cold.address, 1_000n * UNIT]),
        );
        await s.receiver.arm(s.moduleAddress, s.iface.encodeFunctionData("sweep", [s.f.safe, s.f.usdcAddress]));
        const tx = await s.payReceiver();
        await expect(tx).not.to.emit(s.f.module, "Swept");
        await expect(tx).to.changeTokenBalances(s.f.usdc, [s.f.safe, s.f.cold.address], [0n, 0n]);
      });
    });

    describe("when a token's transfer hook makes an operator's wallet re-enter transfer", function () {
      it("fails with ReentrancyGuardReentrantCall: one token payment, the wallet's budget untouched", async function () {
        const s = await setup();
        const token = await hre.ethers.deployContract("ReentrantToken");
        const tokenAddress = await token.getAddress();
        await token.mint(s.f.safe, 10_000n);
        await s.f.policy(s.iface.encodeFunctionData("setBudget", [s.f.operator.address, tokenAddress, 1_000n, MONTH]));
        await s.f.policy(s.iface.encodeFunctionData("setBudget", [s.receiverAddress, tokenAddress, 1_000n, MONTH]));
        const nested = s.iface.encodeFunctionData("transfer", [s.f.safe, tokenAddress, s.receiverAddress, 500n]);
        await token.arm(
          s.receiverAddress,
          s.receiver.interface.encodeFunctionData("execute", [s.moduleAddress, 0n, nested]),
        );
        const tx = s.f.module.connect(s.f.operator).transfer(s.f.safe, tokenAddress, s.f.vendor.address, 100n);
        await expect(tx).to.changeTokenBalances(
          token,
          [s.f.safe, s.f.vendor.address, s.receiverAddress],
          [-100n, 100n, 0n],
        );
        expect(await token.lastCallbackSucceeded()).to.equal(false);
        expect(await token.lastCallbackReturnData()).to.equal(s.guardError);
        const [, remaining] = await s.f.module.getBudget(s.f.safe, s.receiverAddress, tokenAddress);
        expect(remaining).to.equal(1_000n);
      });
    });
  });
});
