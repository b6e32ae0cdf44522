import { loadFixture } from "@nomicfoundation/hardhat-network-helpers";
import { expect } from "chai";
import { ethers } from "hardhat";

describe("ApproveRaceToken", function () {
  async function deployFixture() {
    const [holder, alice, spender] = await ethers.getSigners();
    const token = await ethers.deployContract("ApproveRaceToken");
    await token.mint(holder.address, 1_000n);
    return { token, holder, alice, spender };
  }

  describe("approve", function () {
    describe("given a zero allowance", function () {
      it("returns true and sets the allowance", async function () {
        const { token, holder, spender } = await loadFixture(deployFixture);
        expect(await token.connect(holder).approve.staticCall(spender.address, 100n)).to.equal(true);
        await token.connect(holder).approve(spender.address, 100n);
        expect(await token.allowance(holder.address, spender.address)).to.equal(100n);
      });
    });

    describe("given a non-zero allowance", function () {
      it("reverts with ApproveRaceTokenApproveFromNonZero when changing it to another value", async function () {
        const { token, holder, spender } = await loadFixture(deployFixture);
        await token.connect(holder).approve(spender.address, 100n);
        await expect(token.connect(holder).approve(spender.address, 150n))
          .to.be.revertedWithCustomError(token, "ApproveRaceTokenApproveFromNonZero")
          .withArgs(holder.address, spender.address, 100n);
      });

      it("also reverts when re-approving the same non-zero value", async function () {
        const { token, holder, spender } = await loadFixture(deployFixture);
        await token.connect(holder).approve(spender.address, 100n);
        await expect(token.connect(holder).approve(spender.address, 100n))
          .to.be.revertedWithCustomError(token, "ApproveRaceTokenApproveFromNonZero")
          .withArgs(holder.address, spender.address, 100n);
      });

      it("accepts a reset to zero, after which a new non-zero value is accepted", async function () {
        const { token, holder, spender } = await loadFixture(deployFixture);
        await token.connect(holder).approve(spender.address, 100n);
        await token.connect(holder).approve(spender.address, 0n);
        await token.connect(holder).approve(spender.address, 150n);
        expect(await token.allowance(holder.address, spender.address)).to.equal(150n);
      });
    });
  });

  describe("transferFrom", function () {
    it("still spends a non-zero allowance down to a smaller non-zero value", async function () {
      const { token, holder, alice, spender } = await loadFixture(deployFixture);
      await token.connect(holder).approve(spender.address, 100n);
      await expect(token.connect(spender).transferFrom(holder.address, alice.address, 30n)).to.changeTokenBalances(
        token,
        [holder, alice],
        [-30n, 30n],
      );
      expect(await token.allowance(holder.address, spender.address)).to.equal(70n);
    });
  });
});
