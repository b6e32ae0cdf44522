import { loadFixture } from "@nomicfoundation/hardhat-network-helpers";
import { expect } from "chai";
import { ethers } from "hardhat";

const ONE = 10n ** 18n;

describe("FeeOnTransferToken", function () {
  async function deployFixture() {
    const [holder, alice, spender, sink] = await ethers.getSigners();
    // 1% fee sent to `sink`, and 1% fee burned.
    const sinking = await ethers.deployContract("FeeOnTransferToken", [100, sink.address]);
    const burning = await ethers.deployContract("FeeOnTransferToken", [100, ethers.ZeroAddress]);
    await sinking.mint(holder.address, 1_000n * ONE);
    await burning.mint(holder.address, 1_000n * ONE);
    return { sinking, burning, holder, alice, spender, sink };
  }

  describe("constructor", function () {
    it("reverts with FeeOnTransferTokenFeeTooHigh above 10_000 basis points", async function () {
      const factory = await ethers.getContractFactory("FeeOnTransferToken");
      await expect(factory.deploy(10_001, ethers.ZeroAddress))
        .to.be.revertedWithCustomError(factory, "FeeOnTransferTokenFeeTooHigh")
        .withArgs(10_001n);
    });
  });

  describe("mint", function () {
    it("credits the full amount, without a fee", async function () {
      const { sinking, alice } = await loadFixture(deployFixture);
      await sinking.mint(alice.address, 500n);
      expect(await sinking.balanceOf(alice.address)).to.equal(500n);
    });
  });

  describe("transfer", function () {
    describe("given a fee sink", function () {
      it("debits the full amount, delivers 99% and sends 1% to the sink", async function () {
        const { sinking, holder, alice, sink } = await loadFixture(deployFixture);
        await expect(sinking.connect(holder).transfer(alice.address, 100n * ONE)).to.changeTokenBalances(
          sinking,
          [holder, alice, sink],
          [-100n * ONE, 99n * ONE, ONE],
        );
        expect(await sinking.totalSupply()).to.equal(1_000n * ONE);
      });

      it("emits Transfer of the net amount to the receiver and of the fee to the sink", async function () {
        const { sinking, holder, alice, sink } = await loadFixture(deployFixture);
        const tx = sinking.connect(holder).transfer(alice.address, 100n * ONE);
        await expect(tx)
          .to.emit(sinking, "Transfer")
          .withArgs(holder.address, alice.address, 99n * ONE);
        await expect(tx).to.emit(sinking, "Transfer").withArgs(holder.address, sink.address, ONE);
      });
    });

    describe("given no fee sink", function () {
      it("delivers 99% and burns 1%, lowering the total supply", async function () {
        const { burning, holder, alice } = await loadFixture(deployFixture);
        await expect(burning.connect(holder).transfer(alice.address, 100n * ONE)).to.changeTokenBalances(
          burning,
          [holder, alice],
          [-100n * ONE, 99n * ONE],
        );
        expect(await burning.totalSupply()).to.equal(999n * ONE);
      });
    });

    it("reverts with ERC20InsufficientBalance carrying the full amount when the sender holds less", async function () {
      const { sinking, holder, alice } = await loadFixture(deployFixture);
      await expect(sinking.connect(alice).transfer(holder.address, 10n))
        .to.be.revertedWithCustomError(sinking, "ERC20InsufficientBalance")
        .withArgs(alice.address, 0n, 10n);
    });
  });

  describe("transferFrom", function () {
    it("spends the full amount of allowance but delivers 99%", async function () {
      const { sinking, holder, alice, spender, sink } = await loadFixture(deployFixture);
      await sinking.connect(holder).approve(spender.address, 200n * ONE);
      await expect(
        sinking.connect(spender).transferFrom(holder.address, alice.address, 200n * ONE),
      ).to.changeTokenBalances(sinking, [holder, alice, sink], [-200n * ONE, 198n * ONE, 2n * ONE]);
      expect(await sinking.allowance(holder.address, spender.address)).to.equal(0n);
    });
  });

  describe("setFeeBps", function () {
    it("changes the fee of later transfers, down to exact transfers at zero", async function () {
      const { sinking, holder, alice } = await loadFixture(deployFixture);
      await sinking.setFeeBps(0);
      await expect(sinking.connect(holder).transfer(alice.address, 100n)).to.changeTokenBalance(sinking, alice, 100n);
      await sinking.setFeeBps(2_500);
      expect(await sinking.feeOf(100n)).to.equal(25n);
      await expect(sinking.connect(holder).transfer(alice.address, 100n)).to.changeTokenBalance(sinking, alice, 75n);
    });

    it("reverts with FeeOnTransferTokenFeeTooHigh above 10_000 basis points", async function () {
      const { sinking } = await loadFixture(deployFixture);
      await expect(sinking.setFeeBps(10_001))
        .to.be.revertedWithCustomError(sinking, "FeeOnTransferTokenFeeTooHigh")
        .withArgs(10_001n);
    });
  });
});
