import { loadFixture, time } from "@nomicfoundation/hardhat-network-helpers";
import { expect } from "chai";
import { ethers } from "hardhat";
import { signPermit } from "./permit";

describe("ReentrantToken", function () {
  async function deployFixture() {
    const [holder, alice, spender] = await ethers.getSigners();
    const token = await ethers.deployContract("ReentrantToken");
    const target = await ethers.deployContract("CallTarget");
    await token.mint(holder.address, 1_000n);
    const tokenAddress = await token.getAddress();
    const targetAddress = await target.getAddress();
    const ping = target.interface.encodeFunctionData("ping");
    const fail = (code: bigint) => target.interface.encodeFunctionData("fail", [code]);
    return { token, target, tokenAddress, targetAddress, ping, fail, holder, alice, spender };
  }

  describe("arm", function () {
    it("stores the target and calldata, arms the token and emits CallbackArmed", async function () {
      const { token, targetAddress, ping } = await loadFixture(deployFixture);
      await expect(token.arm(targetAddress, ping)).to.emit(token, "CallbackArmed").withArgs(targetAddress, ping);
      expect(await token.armed()).to.equal(true);
      expect(await token.callbackTarget()).to.equal(targetAddress);
      expect(await token.callbackData()).to.equal(ping);
    });
  });

  describe("given the token is armed", function () {
    describe("when a transfer happens", function () {
      it("calls the target once, as the token, and records the success", async function () {
        const { token, target, tokenAddress, targetAddress, ping, holder, alice } = await loadFixture(deployFixture);
        await token.arm(targetAddress, ping);
        const returned = ethers.AbiCoder.defaultAbiCoder().encode(["uint256"], [1n]);
        await expect(token.connect(holder).transfer(alice.address, 10n))
          .to.emit(target, "Pinged")
          .withArgs(tokenAddress, 0n)
          .and.to.emit(token, "CallbackMade")
          .withArgs(targetAddress, true, returned);
        expect(await target.calls()).to.equal(1n);
        expect(await target.lastCaller()).to.equal(tokenAddress);
        expect(await token.lastCallbackSucceeded()).to.equal(true);
        expect(await token.lastCallbackReturnData()).to.equal(returned);
        expect(await token.callbackCount()).to.equal(1n);
        expect(await token.balanceOf(alice.address)).to.equal(10n);
      });

      it("disarms, so the next transfer makes no callback", async function () {
        const { token, target, targetAddress, ping, holder, alice } = await loadFixture(deployFixture);
        await token.arm(targetAddress, ping);
        await token.connect(holder).transfer(alice.address, 10n);
        expect(await token.armed()).to.equal(false);
        await token.connect(holder).transfer(alice.address, 10n);
        expect(await target.calls()).to.equal(1n);
      });

      it("fires on transferFrom too", async function () {
        const { token, target, targetAddress, ping, holder, alice, spender } = await loadFixture(deployFixture);
        await token.connect(holder).approve(spender.address, 10n);
        await token.arm(targetAddress, ping);
        await token.connect(spender).transferFrom(holder.address, alice.address, 10n);
        expect(await target.calls()).to.equal(1n);
      });

      it("does not recurse when the callback transfers the same token again", async function () {
        const { token, tokenAddress, holder, alice } = await loadFixture(deployFixture);
        // The callback makes the token itself transfer 0 tokens: that transfer runs the hook again, disarmed.
        await token.arm(tokenAddress, token.interface.encodeFunctionData("transfer", [alice.address, 0n]));
        await token.connect(holder).transfer(alice.address, 10n);
        expect(await token.callbackCount()).to.equal(1n);
        expect(await token.lastCallbackSucceeded()).to.equal(true);
      });
    });

    describe("when a mint happens", function () {
      it("makes no callback and stays armed", async function () {
        const { token, target, targetAddress, ping, alice } = await loadFixture(deployFixture);
        await token.arm(targetAddress, ping);
        await token.mint(alice.address, 10n);
        expect(await target.calls()).to.equal(0n);
        expect(await token.armed()).to.equal(true);
      });
    });

    describe("when the callback reverts", function () {
      it("swallows the revert by default: the transfer completes and the revert data is recorded", async function () {
        const { token, target, tokenAddress, targetAddress, fail, holder, alice } = await loadFixture(deployFixture);
        await token.arm(targetAddress, fail(7n));
        await expect(token.connect(holder).transfer(alice.address, 10n)).to.changeTokenBalances(
          token,
          [holder, alice],
          [-10n, 10n],
        );
        const revertData = target.interface.encodeErrorResult("CallTargetFailed", [tokenAddress, 7n]);
        expect(await token.lastCallbackSucceeded()).to.equal(false);
        expect(await token.lastCallbackReturnData()).to.equal(revertData);
        expect(await token.callbackCount()).to.equal(1n);
      });

      it("bubbles the revert with setBubbleRevert(true): the transfer reverts and nothing moves", async function () {
        const { token, target, tokenAddress, targetAddress, fail, holder, alice } = await loadFixture(deployFixture);
        await token.arm(targetAddress, fail(7n));
        await token.setBubbleRevert(true);
        await expect(token.connect(holder).transfer(alice.address, 10n))
          .to.be.revertedWithCustomError(target, "CallTargetFailed")
          .withArgs(tokenAddress, 7n);
        expect(await token.balanceOf(alice.address)).to.equal(0n);
        expect(await token.armed()).to.equal(true);
      });
    });

    describe("when the callback timing is changed", function () {
      it("calls back after the balances move by default", async function () {
        const { token, target, tokenAddress, targetAddress, holder, alice } = await loadFixture(deployFixture);
        const snapshot = target.interface.encodeFunctionData("snapshotBalance", [tokenAddress, alice.address]);
        await token.arm(targetAddress, snapshot);
        await token.connect(holder).transfer(alice.address, 10n);
        expect(await target.snapshot()).to.equal(10n);
      });

      it("calls back before the balances move with setCallbackBeforeUpdate(true)", async function () {
        const { token, target, tokenAddress, targetAddress, holder, alice } = await loadFixture(deployFixture);
        await token.mint(alice.address, 3n);
        const snapshot = target.interface.encodeFunctionData("snapshotBalance", [tokenAddress, alice.address]);
        await token.setCallbackBeforeUpdate(true);
        await token.arm(targetAddress, snapshot);
        await token.connect(holder).transfer(alice.address, 10n);
        expect(await target.calls()).to.equal(1n);
        expect(await target.snapshot()).to.equal(3n);
        expect(await token.balanceOf(alice.address)).to.equal(13n);
      });
    });

    it("makes no callback once disarmed", async function () {
      const { token, target, targetAddress, ping, holder, alice } = await loadFixture(deployFixture);
      await token.arm(targetAddress, ping);
      await token.disarm();
      await token.connect(holder).transfer(alice.address, 10n);
      expect(await target.calls()).to.equal(0n);
      expect(await token.callbackCount()).to.equal(0n);
    });
  });

  describe("permit", function () {
    it("sets the allowance from the owner's signature", async function () {
      const { token, holder, spender } = await loadFixture(deployFixture);
      const deadline = BigInt(await time.latest()) + 3_600n;
      const { v, r, s } = await signPermit(token, holder, spender.address, 5n, deadline);
      await token.permit(holder.address, spender.address, 5n, deadline, v, r, s);
      expect(await token.allowance(holder.address, spender.address)).to.equal(5n);
    });
  });
});
