import { loadFixture } from "@nomicfoundation/hardhat-network-helpers";
import { expect } from "chai";
import { ethers } from "hardhat";

const ONE = 10n ** 18n;

describe("RebasingToken", function () {
  async function deployFixture() {
    const [alice, bob, carol, spender] = await ethers.getSigners();
    const token = await ethers.deployContract("RebasingToken");
    await token.mint(alice.address, 100n * ONE);
    await token.mint(bob.address, 50n * ONE);
    return { token, alice, bob, carol, spender };
  }

  describe("rebase", function () {
    describe("when the multiplier is above one", function () {
      it("raises every balance and the total supply without any transfer", async function () {
        const { token, alice, bob } = await loadFixture(deployFixture);
        await expect(token.rebase(11, 10))
          .to.emit(token, "Rebased")
          .withArgs(ONE, (11n * ONE) / 10n);
        expect(await token.balanceOf(alice.address)).to.equal(110n * ONE);
        expect(await token.balanceOf(bob.address)).to.equal(55n * ONE);
        expect(await token.totalSupply()).to.equal(165n * ONE);
        expect(await token.sharesOf(alice.address)).to.equal(100n * ONE);
      });
    });

    describe("when the multiplier is below one", function () {
      it("lowers every balance and the total supply without any transfer", async function () {
        const { token, alice, bob } = await loadFixture(deployFixture);
        await token.rebase(1, 2);
        expect(await token.balanceOf(alice.address)).to.equal(50n * ONE);
        expect(await token.balanceOf(bob.address)).to.equal(25n * ONE);
        expect(await token.totalSupply()).to.equal(75n * ONE);
      });
    });

    it("compounds successive rebases", async function () {
      const { token, alice } = await loadFixture(deployFixture);
      await token.rebase(2, 1);
      await token.rebase(3, 4);
      expect(await token.index()).to.equal((3n * ONE) / 2n);
      expect(await token.balanceOf(alice.address)).to.equal(150n * ONE);
    });

    it("reverts with RebasingTokenInvalidRebase for a zero numerator or denominator", async function () {
      const { token } = await loadFixture(deployFixture);
      await expect(token.rebase(0, 1))
        .to.be.revertedWithCustomError(token, "RebasingTokenInvalidRebase")
        .withArgs(0n, 1n);
      await expect(token.rebase(1, 0))
        .to.be.revertedWithCustomError(token, "RebasingTokenInvalidRebase")
        .withArgs(1n, 0n);
    });
  });

  describe("transfer", function () {
    it("moves the underlying amount at the current index", async function () {
      const { token, alice, carol } = await loadFixture(deployFixture);
      await token.rebase(11, 10);
      await expect(token.connect(alice).transfer(carol.address, 11n * ONE))
        .to.emit(token, "Transfer")
        .withArgs(alice.address, carol.address, 11n * ONE);
      expect(await token.balanceOf(carol.address)).to.equal(11n * ONE);
      expect(await token.balanceOf(alice.address)).to.equal(99n * ONE);
      expect(await token.sharesOf(carol.address)).to.equal(10n * ONE);
    });

    it("lets a held balance drift after the transfer: the receiver's balance follows later rebases", async function () {
      const { token, alice, carol } = await loadFixture(deployFixture);
      await token.connect(alice).transfer(carol.address, 10n * ONE);
      await token.rebase(9, 10);
      expect(await token.balanceOf(carol.address)).to.equal(9n * ONE);
    });

    it("can deliver less than asked after a rebase, because shares round down", async function () {
      const { token, alice, carol } = await loadFixture(deployFixture);
      await token.rebase(3, 1);
      // 10 wei at index 3 is 3.33 shares, rounded down to 3 shares, worth 9 wei.
      await expect(token.connect(alice).transfer(carol.address, 10n)).to.changeTokenBalances(
        token,
        [alice, carol],
        [-9n, 9n],
      );
    });

    it("keeps the total supply equal to the sum of balances when amounts convert exactly", async function () {
      const { token, alice, bob, carol } = await loadFixture(deployFixture);
      await token.rebase(5, 4);
      await token.connect(alice).transfer(carol.address, 25n * ONE);
      await token.connect(bob).transfer(carol.address, 5n * ONE);
      const balances = await Promise.all([alice, bob, carol].map((account) => token.balanceOf(account.address)));
      expect(balances.reduce((sum, balance) => sum + balance, 0n)).to.equal(await token.totalSupply());
      expect(await token.totalShares()).to.equal(150n * ONE);
    });

    it("reverts with ERC20InsufficientBalance at the rebased balance", async function () {
      const { token, bob, carol } = await loadFixture(deployFixture);
      await token.rebase(1, 2);
      await expect(token.connect(bob).transfer(carol.address, 26n * ONE))
        .to.be.revertedWithCustomError(token, "ERC20InsufficientBalance")
        .withArgs(bob.address, 25n * ONE, 26n * ONE);
    });
  });

  describe("transferFrom", function () {
    it("spends an allowance kept in underlying amounts", async function () {
      const { token, alice, carol, spender } = await loadFixture(deployFixture);
      await token.rebase(2, 1);
      await token.connect(alice).approve(spender.address, 50n * ONE);
      await expect(token.connect(spender).transferFrom(alice.address, carol.address, 50n * ONE)).to.changeTokenBalances(
        token,
        [alice, carol],
        [-50n * ONE, 50n * ONE],
      );
      expect(await token.allowance(alice.address, spender.address)).to.equal(0n);
    });
  });
});
