import { loadFixture } from "@nomicfoundation/hardhat-network-helpers";
import { expect } from "chai";
import { ethers } from "hardhat";

describe("GasBurningReceiver", function () {
  async function deployFixture() {
    const [payer] = await ethers.getSigners();
    const burner = await ethers.deployContract("GasBurningReceiver");
    const target = await ethers.deployContract("CallTarget");
    const sender = await ethers.deployContract("StipendSender");
    const burnerAddress = await burner.getAddress();
    return { burner, target, sender, burnerAddress, payer };
  }

  describe("given burning is on (the default)", function () {
    it("makes a 2300-gas push (like Solidity's transfer) fail", async function () {
      const { burner, sender, burnerAddress } = await loadFixture(deployFixture);
      expect(await burner.burning()).to.equal(true);
      const [success] = await sender.sendWithGas.staticCall(burnerAddress, 0n, { value: 1n });
      expect(success).to.equal(false);
    });

    it("fails a push with a stipend and uses every unit of gas the stipend gives", async function () {
      const { sender, burnerAddress } = await loadFixture(deployFixture);
      const [success100k, used100k] = await sender.sendWithGas.staticCall(burnerAddress, 100_000n, { value: 1n });
      const [success200k, used200k] = await sender.sendWithGas.staticCall(burnerAddress, 200_000n, { value: 1n });
      expect(success100k).to.equal(false);
      expect(success200k).to.equal(false);
      expect(used100k).to.be.greaterThanOrEqual(100_000n);
      // Both calls cost the same fixed overhead, so the difference is exactly the extra gas given, all burned.
      expect(used200k - used100k).to.equal(100_000n);
    });

    it("uses the whole gas limit of a plain ETH transaction, which then fails", async function () {
      const { burnerAddress, payer } = await loadFixture(deployFixture);
      const gasLimit = 150_000n;
      await expect(payer.sendTransaction({ to: burnerAddress, value: 1n, gasLimit })).to.be.reverted;
      const block = await ethers.provider.getBlock("latest");
      const receipt = await ethers.provider.getTransactionReceipt(block!.transactions[0]!);
      expect(receipt!.to).to.equal(burnerAddress);
      expect(receipt!.status).to.equal(0);
      expect(receipt!.gasUsed).to.equal(gasLimit);
    });

    it("burns all the gas of a zero-value call, which gets no free stipend", async function () {
      const { sender, burnerAddress } = await loadFixture(deployFixture);
      const [success, used] = await sender.sendWithGas.staticCall(burnerAddress, 50_000n);
      const [, usedNone] = await sender.sendWithGas.staticCall(burnerAddress, 0n);
      expect(success).to.equal(false);
      expect(used - usedNone).to.equal(50_000n);
    });

    it("uses the whole gas limit of a call to an unknown function, which then fails", async function () {
      const { burnerAddress, payer } = await loadFixture(deployFixture);
      const gasLimit = 120_000n;
      await expect(payer.sendTransaction({ to: burnerAddress, data: "0xdeadbeef", gasLimit })).to.be.reverted;
      const block = await ethers.provider.getBlock("latest");
      const receipt = await ethers.provider.getTransactionReceipt(block!.transactions[0]!);
      expect(receipt!.to).to.equal(burnerAddress);
      expect(receipt!.status).to.equal(0);
      expect(receipt!.gasUsed).to.equal(gasLimit);
    });
  });

  describe("given setBurning(false)", function () {
    it("accepts a 2300-gas push and uses little gas", async function () {
      const { burner, sender, burnerAddress } = await loadFixture(deployFixture);
      await burner.setBurning(false);
      const [success, used] = await sender.sendWithGas.staticCall(burnerAddress, 100_000n, { value: 1n });
      expect(success).to.equal(true);
      expect(used).to.be.lessThan(20_000n);
      await expect(sender.sendWithGas(burnerAddress, 0n, { value: 7n })).to.changeEtherBalance(burner, 7n);
    });
  });

  describe("execute", function () {
    it("calls the target as the receiver without burning gas", async function () {
      const { burner, target, burnerAddress } = await loadFixture(deployFixture);
      await burner.execute(await target.getAddress(), 0n, target.interface.encodeFunctionData("ping"));
      expect(await target.lastCaller()).to.equal(burnerAddress);
    });
  });
});
