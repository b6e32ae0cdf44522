import { loadFixture } from "@nomicfoundation/hardhat-network-helpers";
import { expect } from "chai";
import { ethers } from "hardhat";

describe("RevertOnZeroTransferToken", function () {
  async function deployFixture() {
    const [holder, alice, spender] = await ethers.getSigners();
    const token = await ethers.deployContract("RevertOnZeroTransferToken");
    await token.mint(holder.address, 1_000n);
    return { token, holder, alice, spender };
  }

  it("transfer moves a non-zero amount and returns true", async function () {
    const { token, holder, alice } = await loadFixture(deployFixture);
    expect(await token.connect(holder).transfer.staticCall(alice.address, 1n)).to.equal(true);
    await expect(token.connect(holder).transfer(alice.address, 400n)).to.changeTokenBalances(
      token,
      [holder, alice],
      [-400n, 400n],
    );
  });

  it("transfer of zero reverts with the token's error", async function () {
    const { token, holder, alice } = await loadFixture(deployFixture);
    await expect(token.connect(holder).transfer(alice.address, 0n))
      .to.be.revertedWithCustomError(token, "RevertOnZeroTransferTokenZeroAmount")
      .withArgs(holder.address, alice.address);
  });

  it("transferFrom moves a non-zero amount and spends the allowance", async function () {
    const { token, holder, alice, spender } = await loadFixture(deployFixture);
    await token.connect(holder).approve(spender.address, 500n);
    await expect(token.connect(spender).transferFrom(holder.address, alice.address, 300n)).to.changeTokenBalances(
      token,
      [holder, alice],
      [-300n, 300n],
    );
    expect(await token.allowance(holder.address, spender.address)).to.equal(200n);
  });

  it("transferFrom of zero reverts with the token's error, even with an allowance", async function () {
    const { token, holder, alice, spender } = await loadFixture(deployFixture);
    await token.connect(holder).approve(spender.address, 500n);
    await expect(token.connect(spender).transferFrom(holder.address, alice.address, 0n))
      .to.be.revertedWithCustomError(token, "RevertOnZeroTransferTokenZeroAmount")
      .withArgs(holder.address, alice.address);
  });
});
