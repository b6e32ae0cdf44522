import { loadFixture } from "@nomicfoundation/hardhat-network-helpers";
import { expect } from "chai";
import { ethers } from "hardhat";

describe("PhantomPermitToken", function () {
  async function deployFixture() {
    const [holder, alice, spender] = await ethers.getSigners();
    const token = await ethers.deployContract("PhantomPermitToken");
    await token.mint(holder.address, 1_000n);
    return { token, holder, alice, spender };
  }

  it("answers a call to permit without reverting, and sets no allowance", async function () {
    const { token, holder, spender, alice } = await loadFixture(deployFixture);
    const permit = new ethers.Contract(
      await token.getAddress(),
      ["function permit(address,address,uint256,uint256,uint8,bytes32,bytes32)"],
      alice,
    );
    await expect(
      permit.getFunction("permit")(
        holder.address,
        spender.address,
        500n,
        ethers.MaxUint256,
        27,
        ethers.ZeroHash,
        ethers.ZeroHash,
      ),
    ).not.to.be.reverted;
    expect(await token.allowance(holder.address, spender.address)).to.equal(0n);
  });

  it("transfers as a standard ERC-20", async function () {
    const { token, holder, alice, spender } = await loadFixture(deployFixture);
    await expect(token.connect(holder).transfer(alice.address, 10n)).to.changeTokenBalances(
      token,
      [holder, alice],
      [-10n, 10n],
    );
    await token.connect(holder).approve(spender.address, 20n);
    await expect(token.connect(spender).transferFrom(holder.address, alice.address, 20n)).to.changeTokenBalances(
      token,
      [holder, alice],
      [-20n, 20n],
    );
    await expect(token.connect(spender).transferFrom(holder.address, alice.address, 1n)).to.be.revertedWithCustomError(
      token,
      "ERC20InsufficientAllowance",
    );
  });
});
