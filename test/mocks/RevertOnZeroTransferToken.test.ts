import { loadFixture } from "@nomicfoundation/hardhat-network-helpers";
import { expect } from "chai";
import { ethers } from "hardhat";

describe("RevertOnZeroTransferToken", function () {
  async function deployFixture() {
    const [holder, alice, spender] = await ethers.getSigners();
    const token = await ethers.deployContract("RevertOnZeroTransferToken");
    await token.mint(holder.address, 1_000n);
    await token.connect(holder).approve(spender.address, 1_000n);
    return { token, holder, alice, spender };
  }

  it("transfer and transferFrom of zero revert with RevertOnZeroTransferTokenZeroAmount", async function () {
    const { token, holder, alice, spender } = await loadFixture(deployFixture);
    await expect(token.connect(holder).transfer(alice.address, 0n))
      .to.be.revertedWithCustomError(token, "RevertOnZeroTransferTokenZeroAmount")
      .withArgs(holder.address, alice.address);
    await expect(token.connect(spender).transferFrom(holder.address, alice.address, 0n))
      .to.be.revertedWithCustomError(token, "RevertOnZeroTransferTokenZeroAmount")
      .withArgs(holder.address, alice.address);
  });

  it("moves any other amount as a standard ERC-20", async function () {
    const { token, holder, alice, spender } = await loadFixture(deployFixture);
    await expect(token.connect(holder).transfer(alice.address, 1n)).to.changeTokenBalances(
      token,
      [holder, alice],
      [-1n, 1n],
    );
    await expect(token.connect(spender).transferFrom(holder.address, alice.address, 2n)).to.changeTokenBalances(
      token,
      [holder, alice],
      [-2n, 2n],
    );
    expect(await token.allowance(holder.address, spender.address)).to.equal(998n);
  });
});
