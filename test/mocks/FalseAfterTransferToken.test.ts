import { loadFixture } from "@nomicfoundation/hardhat-network-helpers";
import { expect } from "chai";
import { ethers } from "hardhat";

describe("FalseAfterTransferToken", function () {
  async function deployFixture() {
    const [holder, alice, spender] = await ethers.getSigners();
    const token = await ethers.deployContract("FalseAfterTransferToken");
    await token.mint(holder.address, 1_000n);
    return { token, holder, alice, spender };
  }

  describe("transfer", function () {
    it("moves the amount and returns false", async function () {
      const { token, holder, alice } = await loadFixture(deployFixture);
      expect(await token.connect(holder).transfer.staticCall(alice.address, 400n)).to.equal(false);
      await expect(token.connect(holder).transfer(alice.address, 400n)).to.changeTokenBalances(
        token,
        [holder, alice],
        [-400n, 400n],
      );
    });

    it("reverts when the sender holds less than the amount", async function () {
      const { token, holder, alice } = await loadFixture(deployFixture);
      await expect(token.connect(holder).transfer(alice.address, 1_001n)).to.be.revertedWithCustomError(
        token,
        "ERC20InsufficientBalance",
      );
    });

    it("returns true once set honest", async function () {
      const { token, holder, alice } = await loadFixture(deployFixture);
      await token.setHonest(true);
      expect(await token.connect(holder).transfer.staticCall(alice.address, 1n)).to.equal(true);
    });
  });

  describe("transferFrom", function () {
    it("moves the amount, spends the allowance and returns false", async function () {
      const { token, holder, alice, spender } = await loadFixture(deployFixture);
      await token.connect(holder).approve(spender.address, 500n);
      expect(await token.connect(spender).transferFrom.staticCall(holder.address, alice.address, 500n)).to.equal(false);
      await expect(token.connect(spender).transferFrom(holder.address, alice.address, 500n)).to.changeTokenBalances(
        token,
        [holder, alice],
        [-500n, 500n],
      );
      expect(await token.allowance(holder.address, spender.address)).to.equal(0n);
    });

    it("reverts when the allowance is short", async function () {
      const { token, holder, alice, spender } = await loadFixture(deployFixture);
      await token.connect(holder).approve(spender.address, 10n);
      await expect(
        token.connect(spender).transferFrom(holder.address, alice.address, 11n),
      ).to.be.revertedWithCustomError(token, "ERC20InsufficientAllowance");
    });
  });
});
