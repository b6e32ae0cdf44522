import { loadFixture } from "@nomicfoundation/hardhat-network-helpers";
import { expect } from "chai";
import { ethers } from "hardhat";

describe("MaxAmountMeansBalanceToken", function () {
  async function deployFixture() {
    const [holder, alice, spender] = await ethers.getSigners();
    const token = await ethers.deployContract("MaxAmountMeansBalanceToken");
    await token.mint(holder.address, 1_000n);
    return { token, holder, alice, spender };
  }

  it("has 6 decimals", async function () {
    const { token } = await loadFixture(deployFixture);
    expect(await token.decimals()).to.equal(6n);
  });

  it("transfer of uint256 max moves the whole balance and returns true", async function () {
    const { token, holder, alice } = await loadFixture(deployFixture);
    expect(await token.connect(holder).transfer.staticCall(alice.address, ethers.MaxUint256)).to.equal(true);
    await expect(token.connect(holder).transfer(alice.address, ethers.MaxUint256)).to.changeTokenBalances(
      token,
      [holder, alice],
      [-1_000n, 1_000n],
    );
  });

  it("transfer of any other amount moves exactly that amount", async function () {
    const { token, holder, alice } = await loadFixture(deployFixture);
    await expect(token.connect(holder).transfer(alice.address, 7n)).to.changeTokenBalances(
      token,
      [holder, alice],
      [-7n, 7n],
    );
    await expect(token.connect(holder).transfer(alice.address, 1_001n)).to.be.revertedWithCustomError(
      token,
      "ERC20InsufficientBalance",
    );
  });

  it("transferFrom of uint256 max moves the balance of from and spends that much allowance", async function () {
    const { token, holder, alice, spender } = await loadFixture(deployFixture);
    await token.connect(holder).approve(spender.address, 5_000n);
    await expect(
      token.connect(spender).transferFrom(holder.address, alice.address, ethers.MaxUint256),
    ).to.changeTokenBalances(token, [holder, alice], [-1_000n, 1_000n]);
    expect(await token.allowance(holder.address, spender.address)).to.equal(4_000n);
  });
});
