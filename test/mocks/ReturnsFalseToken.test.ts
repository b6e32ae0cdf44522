import { loadFixture } from "@nomicfoundation/hardhat-network-helpers";
import { expect } from "chai";
import { ethers } from "hardhat";

describe("ReturnsFalseToken", function () {
  async function deployFixture() {
    const [holder, alice, spender] = await ethers.getSigners();
    const token = await ethers.deployContract("ReturnsFalseToken");
    await token.mint(holder.address, 1_000n);
    return { token, holder, alice, spender };
  }

  describe("transfer", function () {
    describe("when the sender holds enough", function () {
      it("returns true and moves the amount", async function () {
        const { token, holder, alice } = await loadFixture(deployFixture);
        expect(await token.connect(holder).transfer.staticCall(alice.address, 1_000n)).to.equal(true);
        await expect(token.connect(holder).transfer(alice.address, 1_000n)).to.changeTokenBalances(
          token,
          [holder, alice],
          [-1_000n, 1_000n],
        );
      });
    });

    describe("when the sender holds less than the amount", function () {
      it("returns false instead of reverting, moves nothing and emits no Transfer", async function () {
        const { token, holder, alice } = await loadFixture(deployFixture);
        expect(await token.connect(holder).transfer.staticCall(alice.address, 1_001n)).to.equal(false);
        const tx = token.connect(holder).transfer(alice.address, 1_001n);
        await expect(tx).not.to.be.reverted;
        await expect(tx).not.to.emit(token, "Transfer");
        expect(await token.balanceOf(holder.address)).to.equal(1_000n);
        expect(await token.balanceOf(alice.address)).to.equal(0n);
      });
    });

    describe("given setFailAll(true)", function () {
      it("returns false and moves nothing even though the sender holds enough", async function () {
        const { token, holder, alice } = await loadFixture(deployFixture);
        await token.setFailAll(true);
        expect(await token.failAll()).to.equal(true);
        expect(await token.connect(holder).transfer.staticCall(alice.address, 1n)).to.equal(false);
        await expect(token.connect(holder).transfer(alice.address, 1n)).to.changeTokenBalances(
          token,
          [holder, alice],
          [0n, 0n],
        );
      });

      it("transfers normally again after setFailAll(false)", async function () {
        const { token, holder, alice } = await loadFixture(deployFixture);
        await token.setFailAll(true);
        await token.setFailAll(false);
        expect(await token.connect(holder).transfer.staticCall(alice.address, 1n)).to.equal(true);
      });
    });
  });

  describe("transferFrom", function () {
    describe("when the allowance and balance suffice", function () {
      it("returns true, moves the amount and spends the allowance", async function () {
        const { token, holder, alice, spender } = await loadFixture(deployFixture);
        await token.connect(holder).approve(spender.address, 600n);
        expect(await token.connect(spender).transferFrom.staticCall(holder.address, alice.address, 600n)).to.equal(
          true,
        );
        await expect(token.connect(spender).transferFrom(holder.address, alice.address, 600n)).to.changeTokenBalances(
          token,
          [holder, alice],
          [-600n, 600n],
        );
        expect(await token.allowance(holder.address, spender.address)).to.equal(0n);
      });
    });

    describe("when the allowance is short", function () {
      it("returns false instead of reverting, moves nothing and leaves the allowance", async function () {
        const { token, holder, alice, spender } = await loadFixture(deployFixture);
        await token.connect(holder).approve(spender.address, 99n);
        expect(await token.connect(spender).transferFrom.staticCall(holder.address, alice.address, 100n)).to.equal(
          false,
        );
        await expect(token.connect(spender).transferFrom(holder.address, alice.address, 100n)).to.changeTokenBalances(
          token,
          [holder, alice],
          [0n, 0n],
        );
        expect(await token.allowance(holder.address, spender.address)).to.equal(99n);
      });
    });

    describe("when the owner's balance is short", function () {
      it("returns false instead of reverting, moves nothing and leaves the allowance", async function () {
        const { token, holder, alice, spender } = await loadFixture(deployFixture);
        await token.connect(holder).approve(spender.address, 5_000n);
        expect(await token.connect(spender).transferFrom.staticCall(holder.address, alice.address, 1_001n)).to.equal(
          false,
        );
        await expect(token.connect(spender).transferFrom(holder.address, alice.address, 1_001n)).to.changeTokenBalances(
          token,
          [holder, alice],
          [0n, 0n],
        );
        expect(await token.allowance(holder.address, spender.address)).to.equal(5_000n);
      });
    });

    describe("given setFailAll(true)", function () {
      it("returns false, moves nothing and leaves the allowance despite enough of both", async function () {
        const { token, holder, alice, spender } = await loadFixture(deployFixture);
        await token.connect(holder).approve(spender.address, 500n);
        await token.setFailAll(true);
        expect(await token.connect(spender).transferFrom.staticCall(holder.address, alice.address, 500n)).to.equal(
          false,
        );
        await expect(token.connect(spender).transferFrom(holder.address, alice.address, 500n)).to.changeTokenBalances(
          token,
          [holder, alice],
          [0n, 0n],
        );
        expect(await token.allowance(holder.address, spender.address)).to.equal(500n);
      });
    });
  });
});
