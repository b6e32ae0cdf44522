import { loadFixture } from "@nomicfoundation/hardhat-network-helpers";
import { expect } from "chai";
import { ethers } from "hardhat";

const MAX96 = 2n ** 96n - 1n;

describe("Uint96Token", function () {
  async function deployFixture() {
    const [holder, alice, spender] = await ethers.getSigners();
    const token = await ethers.deployContract("Uint96Token");
    await token.mint(holder.address, 1_000n);
    return { token, holder, alice, spender };
  }

  it("mint refuses to take the total supply to 2^96 or more", async function () {
    const { token, alice } = await loadFixture(deployFixture);
    await expect(token.mint(alice.address, MAX96 - 1_000n)).to.changeTokenBalance(token, alice, MAX96 - 1_000n);
    await expect(token.mint(alice.address, 1n))
      .to.be.revertedWithCustomError(token, "Uint96TokenAmountTooLarge")
      .withArgs(1n);
  });

  it("transfer moves amounts below 2^96 and reverts at 2^96", async function () {
    const { token, holder, alice } = await loadFixture(deployFixture);
    await expect(token.connect(holder).transfer(alice.address, 10n)).to.changeTokenBalances(
      token,
      [holder, alice],
      [-10n, 10n],
    );
    await expect(token.connect(holder).transfer(alice.address, MAX96 + 1n))
      .to.be.revertedWithCustomError(token, "Uint96TokenAmountTooLarge")
      .withArgs(MAX96 + 1n);
  });

  it("approve of uint256 max stores uint96 max, never spent by transferFrom", async function () {
    const { token, holder, alice, spender } = await loadFixture(deployFixture);
    await token.connect(holder).approve(spender.address, ethers.MaxUint256);
    expect(await token.allowance(holder.address, spender.address)).to.equal(MAX96);
    await expect(token.connect(spender).transferFrom(holder.address, alice.address, 100n)).to.changeTokenBalances(
      token,
      [holder, alice],
      [-100n, 100n],
    );
    expect(await token.allowance(holder.address, spender.address)).to.equal(MAX96);
  });

  it("approve of any other amount of 2^96 or more reverts; a smaller allowance is spent", async function () {
    const { token, holder, alice, spender } = await loadFixture(deployFixture);
    await expect(token.connect(holder).approve(spender.address, MAX96 + 1n))
      .to.be.revertedWithCustomError(token, "Uint96TokenAmountTooLarge")
      .withArgs(MAX96 + 1n);
    await token.connect(holder).approve(spender.address, 500n);
    await token.connect(spender).transferFrom(holder.address, alice.address, 200n);
    expect(await token.allowance(holder.address, spender.address)).to.equal(300n);
  });

  it("transferFrom of 2^96 or more reverts", async function () {
    const { token, holder, alice, spender } = await loadFixture(deployFixture);
    await token.connect(holder).approve(spender.address, ethers.MaxUint256);
    await expect(token.connect(spender).transferFrom(holder.address, alice.address, MAX96 + 1n))
      .to.be.revertedWithCustomError(token, "Uint96TokenAmountTooLarge")
      .withArgs(MAX96 + 1n);
  });
});
