import { expect } from "chai";
import { ethers } from "ethers";
import { ASSETS, balanceOf, configOf, createSplit, fund, loadSplits, tokenOf, units } from "./fixture";

describe("CofferSplit.withdraw", function () {
  for (const asset of ASSETS) {
    describe(`with ${asset.name}`, function () {
      async function credited() {
        const f = await loadSplits();
        const token = await tokenOf(f, asset);
        const config = configOf(
          [
            { account: f.alice.address, allocation: 600_000n },
            { account: f.bob.address, allocation: 400_000n },
          ],
          { pullOnly: true },
        );
        const split = await createSplit(f, config);
        await fund(f, token, await split.getAddress(), units(asset, 10n));
        await split.connect(f.keeper).distribute(config, token, ethers.ZeroAddress);
        return { f, token, split };
      }

      describe("when a recipient withdraws its credit to another address", function () {
        it("sends it all there, clears the credit, lowers what is owed and emits Withdrawn", async function () {
          const { f, token, split } = await credited();
          const credit = units(asset, 6n);
          expect(await split.creditOf(f.alice.address, token)).to.equal(credit);
          const before = await balanceOf(token, f.dave.address);
          await expect(split.connect(f.alice).withdraw(token, f.dave.address))
            .to.emit(split, "Withdrawn")
            .withArgs(f.alice.address, token, f.dave.address, credit);
          expect((await balanceOf(token, f.dave.address)) - before).to.equal(credit);
          expect(await split.creditOf(f.alice.address, token)).to.equal(0n);
          expect(await split.owed(token)).to.equal(units(asset, 4n));
          expect(await split.connect(f.bob).withdraw.staticCall(token, f.bob.address)).to.equal(units(asset, 4n));
        });
      });

      describe("given the credit was already withdrawn", function () {
        it("reverts with CofferSplitNothingToWithdraw", async function () {
          const { f, token, split } = await credited();
          await split.connect(f.alice).withdraw(token, f.alice.address);
          await expect(split.connect(f.alice).withdraw(token, f.alice.address))
            .to.be.revertedWithCustomError(split, "CofferSplitNothingToWithdraw")
            .withArgs(f.alice.address, token);
        });
      });
    });
  }

  describe("when someone without a credit withdraws", function () {
    it("reverts with CofferSplitNothingToWithdraw", async function () {
      const f = await loadSplits();
      const split = await createSplit(f, configOf([{ account: f.alice.address, allocation: 1_000_000n }]));
      await expect(split.connect(f.stranger).withdraw(ethers.ZeroAddress, f.stranger.address))
        .to.be.revertedWithCustomError(split, "CofferSplitNothingToWithdraw")
        .withArgs(f.stranger.address, ethers.ZeroAddress);
    });
  });

  describe("when the receiver is the zero address", function () {
    it("reverts with CofferSplitZeroAddress", async function () {
      const f = await loadSplits();
      const split = await createSplit(f, configOf([{ account: f.alice.address, allocation: 1_000_000n }]));
      await expect(split.connect(f.alice).withdraw(ethers.ZeroAddress, ethers.ZeroAddress))
        .to.be.revertedWithCustomError(split, "CofferSplitZeroAddress")
        .withArgs();
    });
  });
});
