import { expect } from "chai";
import { time } from "@nomicfoundation/hardhat-network-helpers";
import hre from "hardhat";
import { MONTH, loadTreasury, periodStartOf, type TreasuryFixture } from "./fixture";

/**
 * Token kinds of the security checklist that the treasury module meets without special handling: a token with
 * more than 18 decimals (the module never scales amounts; budgets are `uint96`) and a fee-on-transfer token (the
 * module pays what the operator asks and counts what leaves the Safe; the recipient bears the fee). Both payment
 * paths: the Safe's module call, and `transferFrom` on the Safe's allowance to the module.
 */

/** Deploys `name`, mints `minted` to the treasury Safe, sets the operator's budget; optionally approves the module. */
async function withToken(
  f: TreasuryFixture,
  name: string,
  args: unknown[],
  minted: bigint,
  budget: bigint,
  approve: boolean,
) {
  const token = await hre.ethers.deployContract(name, args);
  const address = await token.getAddress();
  await token.getFunction("mint")(f.safe, minted);
  await f.policy(f.module.interface.encodeFunctionData("setBudget", [f.operator.address, address, budget, MONTH]));
  if (approve) {
    await f.asSafe(address, token.interface.encodeFunctionData("approve", [await f.module.getAddress(), minted]));
  }
  // Stay inside one budget period whatever the clock says.
  await time.increaseTo(periodStartOf(await time.latest()) + MONTH + 10);
  return { token, address };
}

describe("CofferTreasuryModule token kinds", function () {
  for (const approve of [false, true]) {
    describe(approve ? "by transferFrom (allowance)" : "through the Safe's module call", function () {
      describe("given a token with 24 decimals", function () {
        const UNIT24 = 10n ** 24n;
        const BUDGET = 79_000n * UNIT24; // just under the uint96 bound (about 79,228 whole tokens)

        it("pays a whole budget of 79,000 tokens to the unit, and refuses one unit more", async function () {
          const f = await loadTreasury();
          const { token, address } = await withToken(
            f,
            "MockERC20",
            ["Big", "BIG", 24],
            100_000n * UNIT24,
            BUDGET,
            approve,
          );
          const first = 12_345n * UNIT24 + 6789n;
          await expect(
            f.module.connect(f.operator).transfer(f.safe, address, f.vendor.address, first),
          ).to.changeTokenBalances(token, [f.safe, f.vendor.address], [-first, first]);
          const rest = BUDGET - first;
          await expect(
            f.module.connect(f.operator).transfer(f.safe, address, f.vendor.address, rest),
          ).to.changeTokenBalances(token, [f.safe, f.vendor.address], [-rest, rest]);
          await expect(f.module.connect(f.operator).transfer(f.safe, address, f.vendor.address, 1n))
            .to.be.revertedWithCustomError(f.module, "CofferTreasuryBudgetExceeded")
            .withArgs(f.safe, f.operator.address, address, 1n, 0n);
          const [budget, remaining] = await f.module.getBudget(f.safe, f.operator.address, address);
          expect(budget.spent).to.equal(BUDGET);
          expect(remaining).to.equal(0n);
        });
      });

      describe("given a fee-on-transfer token (1% to a sink)", function () {
        it("counts what leaves the Safe against the budget; the recipient receives 99% and the sink 1%", async function () {
          const f = await loadTreasury();
          const sink = f.stranger.address;
          const { token, address } = await withToken(f, "FeeOnTransferToken", [100, sink], 1_000_000n, 1_000n, approve);
          await expect(
            f.module.connect(f.operator).transfer(f.safe, address, f.vendor.address, 1_000n),
          ).to.changeTokenBalances(token, [f.safe, f.vendor.address, sink], [-1_000n, 990n, 10n]);
          const [budget, remaining] = await f.module.getBudget(f.safe, f.operator.address, address);
          expect(budget.spent).to.equal(1_000n);
          expect(remaining).to.equal(0n);
        });
      });
    });
  }
});
