import { expect } from "chai";
import { time } from "@nomicfoundation/hardhat-network-helpers";
import { ethers } from "ethers";
import { MONTH, UNIT, loadTreasury, periodStartOf } from "./fixture";

describe("CofferTreasuryModule budgets", function () {
  describe("when an operator spends exactly its budget, in several transfers", function () {
    it("pays from the Safe without owners' signatures, and refuses one unit more", async function () {
      const f = await loadTreasury();
      const { module, operator, vendor, safe, usdcAddress } = f;
      // Stay inside one period whatever the clock says.
      await time.increaseTo(periodStartOf(await time.latest()) + MONTH + 10);
      await expect(module.connect(operator).transfer(safe, usdcAddress, vendor.address, 400n * UNIT))
        .to.emit(module, "BudgetSpent")
        .withArgs(safe, operator.address, usdcAddress, vendor.address, 400n * UNIT, 400n * UNIT);
      await expect(
        module.connect(operator).transfer(safe, usdcAddress, vendor.address, 600n * UNIT),
      ).to.changeTokenBalances(f.usdc, [safe, vendor.address], [-600n * UNIT, 600n * UNIT]);
      await expect(module.connect(operator).transfer(safe, usdcAddress, vendor.address, 1n))
        .to.be.revertedWithCustomError(module, "CofferTreasuryBudgetExceeded")
        .withArgs(safe, operator.address, usdcAddress, 1n, 0n);
      const [, remaining] = await module.getBudget(safe, operator.address, usdcAddress);
      expect(remaining).to.equal(0n);
    });
  });

  describe("period boundaries on the fixed grid", function () {
    for (const [offset, resets] of [
      [-1, false],
      [0, true],
      [1, true],
    ] as const) {
      it(`${resets ? "resets" : "does not reset"} the spent amount at the next period start ${offset < 0 ? "-" : "+"} ${Math.abs(offset)} s`, async function () {
        const f = await loadTreasury();
        const { module, operator, vendor, safe, usdcAddress } = f;
        const start = periodStartOf(await time.latest()) + MONTH;
        await time.increaseTo(start + 10);
        await module.connect(operator).transfer(safe, usdcAddress, vendor.address, 1_000n * UNIT);
        await time.setNextBlockTimestamp(start + MONTH + offset);
        const tx = module.connect(operator).transfer(safe, usdcAddress, vendor.address, 1n);
        if (resets) await expect(tx).to.emit(module, "BudgetSpent");
        else await expect(tx).to.be.revertedWithCustomError(module, "CofferTreasuryBudgetExceeded");
      });
    }
  });

  describe("with native ETH (through the Safe's module call)", function () {
    it("pays ETH within the budget and refuses more", async function () {
      const f = await loadTreasury();
      const { module, operator, vendor, safe } = f;
      await time.increaseTo(periodStartOf(await time.latest()) + MONTH + 10);
      const one = ethers.parseEther("1");
      await expect(
        module.connect(operator).transfer(safe, ethers.ZeroAddress, vendor.address, one),
      ).to.changeEtherBalances([safe, vendor.address], [-one, one]);
      await expect(module.connect(operator).transfer(safe, ethers.ZeroAddress, vendor.address, 1n))
        .to.be.revertedWithCustomError(module, "CofferTreasuryBudgetExceeded")
        .withArgs(safe, operator.address, ethers.ZeroAddress, 1n, 0n);
    });
  });

  describe("without an allowance from the Safe", function () {
    it("pays through the Safe's module call instead", async function () {
      const f = await loadTreasury();
      const { module, operator, vendor, safe, usdc, usdcAddress } = f;
      await f.asSafe(usdcAddress, usdc.interface.encodeFunctionData("approve", [await module.getAddress(), 0n]));
      await expect(
        module.connect(operator).transfer(safe, usdcAddress, vendor.address, 5n * UNIT),
      ).to.changeTokenBalances(usdc, [safe, vendor.address], [-5n * UNIT, 5n * UNIT]);
    });
  });

  describe("given a restricted operator", function () {
    it("pays only allowed recipients", async function () {
      const f = await loadTreasury();
      const { module, operator, vendor, stranger, safe, usdcAddress } = f;
      await f.policy(module.interface.encodeFunctionData("setOperator", [operator.address, true, true]));
      await f.policy(module.interface.encodeFunctionData("setRecipient", [operator.address, vendor.address, true]));
      await expect(module.connect(operator).transfer(safe, usdcAddress, stranger.address, 1n))
        .to.be.revertedWithCustomError(module, "CofferTreasuryRecipientNotAllowed")
        .withArgs(safe, operator.address, stranger.address);
      await expect(module.connect(operator).transfer(safe, usdcAddress, vendor.address, 1n)).to.emit(
        module,
        "BudgetSpent",
      );
    });
  });

  describe("when someone who is not an operator of the Safe spends", function () {
    it("reverts with CofferTreasuryNotOperator, whatever budget the caller set for itself", async function () {
      const f = await loadTreasury();
      const { module, stranger, vendor, safe, usdcAddress } = f;
      // A stranger's own policy calls only configure the stranger's own "Safe" (its address), never this one.
      await module.connect(stranger).setOperator(stranger.address, true, false);
      await module.connect(stranger).setBudget(stranger.address, usdcAddress, 10n ** 18n, MONTH);
      await expect(module.connect(stranger).transfer(safe, usdcAddress, vendor.address, 1n))
        .to.be.revertedWithCustomError(module, "CofferTreasuryNotOperator")
        .withArgs(safe, stranger.address);
      for (const caller of [f.owners[0]!, f.keeper, f.vendor]) {
        await expect(module.connect(caller).transfer(safe, usdcAddress, vendor.address, 1n))
          .to.be.revertedWithCustomError(module, "CofferTreasuryNotOperator")
          .withArgs(safe, caller.address);
      }
    });
  });

  describe("given an operator without a budget for the token", function () {
    it("reverts with CofferTreasuryBudgetExceeded and nothing left", async function () {
      const f = await loadTreasury();
      const { module, otherOperator, vendor, safe, usdcAddress } = f;
      await f.policy(module.interface.encodeFunctionData("setOperator", [otherOperator.address, true, false]));
      await expect(module.connect(otherOperator).transfer(safe, usdcAddress, vendor.address, 1n))
        .to.be.revertedWithCustomError(module, "CofferTreasuryBudgetExceeded")
        .withArgs(safe, otherOperator.address, usdcAddress, 1n, 0n);
    });
  });

  describe("given the Safe disabled the module", function () {
    it("refuses calls through the Safe; a token allowance still works until the Safe revokes it", async function () {
      const f = await loadTreasury();
      const { module, operator, vendor, safe, usdc, usdcAddress } = f;
      const moduleAddress = await module.getAddress();
      const safeInterface = new ethers.Interface(["function disableModule(address prevModule, address module)"]);
      await f.asSafe(
        safe,
        safeInterface.encodeFunctionData("disableModule", [
          "0x0000000000000000000000000000000000000001",
          moduleAddress,
        ]),
      );
      await expect(module.connect(operator).transfer(safe, ethers.ZeroAddress, vendor.address, 1n)).to.be.revertedWith(
        "GS104",
      );
      await expect(module.connect(operator).transfer(safe, usdcAddress, vendor.address, 1n)).to.emit(
        module,
        "BudgetSpent",
      );
      await f.asSafe(usdcAddress, usdc.interface.encodeFunctionData("approve", [moduleAddress, 0n]));
      await expect(module.connect(operator).transfer(safe, usdcAddress, vendor.address, 1n)).to.be.revertedWith(
        "GS104",
      );
    });
  });
});
