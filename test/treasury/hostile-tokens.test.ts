import { expect } from "chai";
import hre from "hardhat";
import { MONTH, loadTreasury, type TreasuryFixture } from "./fixture";

/** Deploys a token, funds the treasury Safe with it and gives the operator a budget; optionally approves the module. */
async function withToken(f: TreasuryFixture, name: string, args: unknown[], approve: boolean) {
  const token = await hre.ethers.deployContract(name, args);
  const address = await token.getAddress();
  await token.getFunction("mint")(f.safe, 1_000_000n);
  await f.policy(f.module.interface.encodeFunctionData("setBudget", [f.operator.address, address, 1_000n, MONTH]));
  if (approve) {
    await f.asSafe(address, token.interface.encodeFunctionData("approve", [await f.module.getAddress(), 10n ** 30n]));
  }
  return { token, address };
}

describe("CofferTreasuryModule with hostile tokens", function () {
  for (const approve of [false, true]) {
    const path = approve ? "by transferFrom (allowance)" : "through the Safe's module call";
    describe(path, function () {
      it("pays with a token that returns nothing (USDT-like)", async function () {
        const f = await loadTreasury();
        const { token, address } = await withToken(f, "NoReturnToken", [], approve);
        await f.module.connect(f.operator).transfer(f.safe, address, f.vendor.address, 700n);
        expect(await token.getFunction("balanceOf")(f.vendor.address)).to.equal(700n);
      });

      it("reverts when a token returns false, moving nothing and spending no budget", async function () {
        const f = await loadTreasury();
        const { token, address } = await withToken(f, "ReturnsFalseToken", [], approve);
        await token.getFunction("setFailAll")(true);
        await expect(f.module.connect(f.operator).transfer(f.safe, address, f.vendor.address, 5n)).to.be.reverted;
        expect(await token.getFunction("balanceOf")(f.safe)).to.equal(1_000_000n);
        const [, remaining] = await f.module.getBudget(f.safe, f.operator.address, address);
        expect(remaining).to.equal(1_000n);
      });

      it("reverts for a blocklisted recipient without affecting payments to others", async function () {
        const f = await loadTreasury();
        const { token, address } = await withToken(f, "BlocklistToken", [], approve);
        await token.getFunction("blocklist")(f.stranger.address);
        await expect(f.module.connect(f.operator).transfer(f.safe, address, f.stranger.address, 5n)).to.be.reverted;
        await f.module.connect(f.operator).transfer(f.safe, address, f.vendor.address, 5n);
        expect(await token.getFunction("balanceOf")(f.vendor.address)).to.equal(5n);
      });
    });
  }

  describe("through the Safe's module call", function () {
    it("reports a token returning false with CofferTreasuryTransferFailed and the values", async function () {
      const f = await loadTreasury();
      const { token, address } = await withToken(f, "ReturnsFalseToken", [], false);
      await token.getFunction("setFailAll")(true);
      await expect(f.module.connect(f.operator).transfer(f.safe, address, f.vendor.address, 5n))
        .to.be.revertedWithCustomError(f.module, "CofferTreasuryTransferFailed")
        .withArgs(
          f.safe,
          address,
          f.vendor.address,
          5n,
          hre.ethers.AbiCoder.defaultAbiCoder().encode(["bool"], [false]),
        );
    });
  });
});
