import { loadFixture } from "@nomicfoundation/hardhat-network-helpers";
import { expect } from "chai";
import { ethers } from "hardhat";

describe("ReentrantReceiver", function () {
  async function deployFixture() {
    const [payer] = await ethers.getSigners();
    const receiver = await ethers.deployContract("ReentrantReceiver");
    const target = await ethers.deployContract("CallTarget");
    const sender = await ethers.deployContract("StipendSender");
    const receiverAddress = await receiver.getAddress();
    const targetAddress = await target.getAddress();
    const ping = target.interface.encodeFunctionData("ping");
    return { receiver, target, sender, receiverAddress, targetAddress, ping, payer };
  }

  describe("given it is not armed", function () {
    it("accepts ETH without calling anything", async function () {
      const { receiver, target, receiverAddress, payer } = await loadFixture(deployFixture);
      await expect(payer.sendTransaction({ to: receiverAddress, value: 100n })).to.changeEtherBalance(receiver, 100n);
      expect(await target.calls()).to.equal(0n);
      expect(await receiver.callbackCount()).to.equal(0n);
    });
  });

  describe("given it is armed", function () {
    it("on receiving ETH, calls the target once as the receiver, accepts the ETH and disarms", async function () {
      const { receiver, target, receiverAddress, targetAddress, ping, payer } = await loadFixture(deployFixture);
      await receiver.arm(targetAddress, ping);
      const tx = payer.sendTransaction({ to: receiverAddress, value: 100n });
      await expect(tx).to.emit(target, "Pinged").withArgs(receiverAddress, 0n);
      await expect(tx).to.changeEtherBalance(receiver, 100n);
      expect(await receiver.lastCallbackSucceeded()).to.equal(true);
      expect(await receiver.armed()).to.equal(false);
      await payer.sendTransaction({ to: receiverAddress, value: 100n });
      expect(await target.calls()).to.equal(1n);
    });

    it("calls back when a contract pushes ETH to it", async function () {
      const { receiver, target, sender, receiverAddress, targetAddress, ping } = await loadFixture(deployFixture);
      await receiver.arm(targetAddress, ping);
      await sender.sendWithGas(receiverAddress, 500_000n, { value: 1n });
      expect(await target.calls()).to.equal(1n);
      expect(await target.lastCaller()).to.equal(receiverAddress);
    });

    it("calls back on a call to an unknown function too", async function () {
      const { receiver, target, receiverAddress, targetAddress, ping, payer } = await loadFixture(deployFixture);
      await receiver.arm(targetAddress, ping);
      await payer.sendTransaction({ to: receiverAddress, data: "0xdeadbeef" });
      expect(await target.calls()).to.equal(1n);
    });

    it("does not recurse when the callback sends ETH to the receiver again", async function () {
      const { receiver, receiverAddress, payer } = await loadFixture(deployFixture);
      // The callback makes the receiver pay itself 1 wei: that payment runs `receive` again, disarmed.
      await receiver.arm(
        receiverAddress,
        receiver.interface.encodeFunctionData("execute", [receiverAddress, 1n, "0x"]),
      );
      await payer.sendTransaction({ to: receiverAddress, value: 100n });
      expect(await receiver.callbackCount()).to.equal(1n);
      expect(await receiver.lastCallbackSucceeded()).to.equal(true);
    });

    describe("when the callback reverts", function () {
      it("swallows the revert by default: the ETH is accepted and the revert data recorded", async function () {
        const { receiver, target, receiverAddress, targetAddress, payer } = await loadFixture(deployFixture);
        await receiver.arm(targetAddress, target.interface.encodeFunctionData("fail", [9n]));
        await expect(payer.sendTransaction({ to: receiverAddress, value: 100n })).to.changeEtherBalance(receiver, 100n);
        expect(await receiver.lastCallbackSucceeded()).to.equal(false);
        expect(await receiver.lastCallbackReturnData()).to.equal(
          target.interface.encodeErrorResult("CallTargetFailed", [receiverAddress, 9n]),
        );
      });

      it("bubbles the revert with setBubbleRevert(true): the payment itself reverts", async function () {
        const { receiver, target, receiverAddress, targetAddress, payer } = await loadFixture(deployFixture);
        await receiver.arm(targetAddress, target.interface.encodeFunctionData("fail", [9n]));
        await receiver.setBubbleRevert(true);
        await expect(payer.sendTransaction({ to: receiverAddress, value: 100n }))
          .to.be.revertedWithCustomError(target, "CallTargetFailed")
          .withArgs(receiverAddress, 9n);
        expect(await ethers.provider.getBalance(receiverAddress)).to.equal(0n);
      });
    });
  });

  describe("execute", function () {
    it("calls the target as the receiver, forwarding the ETH sent along", async function () {
      const { receiver, target, receiverAddress, targetAddress, ping } = await loadFixture(deployFixture);
      await receiver.execute(targetAddress, 3n, ping, { value: 3n });
      expect(await target.lastCaller()).to.equal(receiverAddress);
      expect(await target.lastValue()).to.equal(3n);
    });
  });
});
