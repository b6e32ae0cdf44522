import { loadFixture } from "@nomicfoundation/hardhat-network-helpers";
import { expect } from "chai";
import { ethers } from "hardhat";

describe("RevertingReceiver", function () {
  async function deployFixture() {
    const [payer, alice] = await ethers.getSigners();
    const receiver = await ethers.deployContract("RevertingReceiver");
    const target = await ethers.deployContract("CallTarget");
    const sender = await ethers.deployContract("StipendSender");
    const receiverAddress = await receiver.getAddress();
    return { receiver, target, sender, receiverAddress, payer, alice };
  }

  describe("given rejecting is on (the default)", function () {
    it("reverts a plain ETH payment with RevertingReceiverRejected carrying sender and value", async function () {
      const { receiver, receiverAddress, payer } = await loadFixture(deployFixture);
      expect(await receiver.rejecting()).to.equal(true);
      await expect(payer.sendTransaction({ to: receiverAddress, value: 1_000n }))
        .to.be.revertedWithCustomError(receiver, "RevertingReceiverRejected")
        .withArgs(payer.address, 1_000n);
      expect(await ethers.provider.getBalance(receiverAddress)).to.equal(0n);
    });

    it("reverts a call to an unknown function with RevertingReceiverRejected", async function () {
      const { receiver, receiverAddress, payer } = await loadFixture(deployFixture);
      await expect(payer.sendTransaction({ to: receiverAddress, data: "0xdeadbeef" }))
        .to.be.revertedWithCustomError(receiver, "RevertingReceiverRejected")
        .withArgs(payer.address, 0n);
    });

    it("makes a contract's ETH push fail, whatever gas it forwards", async function () {
      const { sender, receiverAddress } = await loadFixture(deployFixture);
      for (const gasLimit of [0n, 100_000n, 1_000_000n]) {
        const [success] = await sender.sendWithGas.staticCall(receiverAddress, gasLimit, { value: 1n });
        expect(success, `gas limit ${gasLimit}`).to.equal(false);
      }
    });
  });

  describe("given setRejecting(false)", function () {
    it("accepts plain ETH payments", async function () {
      const { receiver, receiverAddress, payer } = await loadFixture(deployFixture);
      await receiver.setRejecting(false);
      await expect(payer.sendTransaction({ to: receiverAddress, value: 1_000n })).to.changeEtherBalance(
        receiver,
        1_000n,
      );
    });
  });

  describe("execute", function () {
    it("calls the target as the receiver, forwarding the ETH sent along and returning the result", async function () {
      const { receiver, target, receiverAddress, payer } = await loadFixture(deployFixture);
      const ping = target.interface.encodeFunctionData("ping");
      const result = await receiver.connect(payer).execute.staticCall(await target.getAddress(), 5n, ping, {
        value: 5n,
      });
      expect(result).to.equal(ethers.AbiCoder.defaultAbiCoder().encode(["uint256"], [1n]));
      await receiver.connect(payer).execute(await target.getAddress(), 5n, ping, { value: 5n });
      expect(await target.lastCaller()).to.equal(receiverAddress);
      expect(await target.lastValue()).to.equal(5n);
    });

    it("spends ETH from its own balance", async function () {
      const { receiver, receiverAddress, payer, alice } = await loadFixture(deployFixture);
      await receiver.setRejecting(false);
      await payer.sendTransaction({ to: receiverAddress, value: 1_000n });
      await receiver.setRejecting(true);
      await expect(receiver.execute(alice.address, 400n, "0x")).to.changeEtherBalances(
        [receiver, alice],
        [-400n, 400n],
      );
    });

    it("bubbles the target's revert data unchanged", async function () {
      const { receiver, target, receiverAddress } = await loadFixture(deployFixture);
      const fail = target.interface.encodeFunctionData("fail", [3n]);
      await expect(receiver.execute(await target.getAddress(), 0n, fail))
        .to.be.revertedWithCustomError(target, "CallTargetFailed")
        .withArgs(receiverAddress, 3n);
    });
  });
});
