import { loadFixture } from "@nomicfoundation/hardhat-network-helpers";
import { expect } from "chai";
import { ethers } from "hardhat";

describe("BlockableFalseAfterTransferToken", function () {
  async function deployFixture() {
    const [holder, alice] = await ethers.getSigners();
    const token = await ethers.deployContract("BlockableFalseAfterTransferToken");
    await token.mint(holder.address, 1_000n);
    return { token, holder, alice };
  }

  it("moves the amount and returns false, as FalseAfterTransferToken does", async function () {
    const { token, holder, alice } = await loadFixture(deployFixture);
    expect(await token.connect(holder).transfer.staticCall(alice.address, 1n)).to.equal(false);
    await expect(token.connect(holder).transfer(alice.address, 5n)).to.changeTokenBalances(
      token,
      [holder, alice],
      [-5n, 5n],
    );
  });

  it("reverts with BlockableFalseAfterTransferTokenBlocked to or from a blocked account, and moves again once unblocked", async function () {
    const { token, holder, alice } = await loadFixture(deployFixture);
    await token.setBlocked(alice.address, true);
    await expect(token.connect(holder).transfer(alice.address, 1n))
      .to.be.revertedWithCustomError(token, "BlockableFalseAfterTransferTokenBlocked")
      .withArgs(alice.address);
    await token.setBlocked(alice.address, false);
    await token.connect(holder).transfer(alice.address, 1n);
    await token.setBlocked(alice.address, true);
    await expect(token.connect(alice).transfer(holder.address, 1n))
      .to.be.revertedWithCustomError(token, "BlockableFalseAfterTransferTokenBlocked")
      .withArgs(alice.address);
    expect(await token.balanceOf(alice.address)).to.equal(1n);
  });
});
