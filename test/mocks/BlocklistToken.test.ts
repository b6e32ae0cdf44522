import { loadFixture, time } from "@nomicfoundation/hardhat-network-helpers";
import { expect } from "chai";
import { ethers } from "hardhat";
import { signPermit } from "./permit";

const USDC = 10n ** 6n;

describe("BlocklistToken", function () {
  async function deployFixture() {
    const [holder, alice, bob, spender] = await ethers.getSigners();
    const token = await ethers.deployContract("BlocklistToken");
    await token.mint(holder.address, 1_000n * USDC);
    await token.mint(alice.address, 100n * USDC);
    return { token, holder, alice, bob, spender };
  }

  describe("metadata", function () {
    it("reports 6 decimals, like USDC", async function () {
      const { token } = await loadFixture(deployFixture);
      expect(await token.decimals()).to.equal(6n);
    });
  });

  describe("given a blocklisted account", function () {
    async function blockedFixture() {
      const base = await deployFixture();
      // The spender gets an unlimited allowance first, so only the blocklist can stop it.
      await base.token.connect(base.holder).approve(base.spender.address, ethers.MaxUint256);
      await base.token.connect(base.alice).approve(base.spender.address, ethers.MaxUint256);
      return base;
    }

    it("emits Blocklisted and reports the account as blocklisted", async function () {
      const { token, alice } = await loadFixture(blockedFixture);
      await expect(token.blocklist(alice.address)).to.emit(token, "Blocklisted").withArgs(alice.address);
      expect(await token.isBlocklisted(alice.address)).to.equal(true);
    });

    it("reverts a transfer from it with BlocklistTokenBlocklisted", async function () {
      const { token, alice, bob } = await loadFixture(blockedFixture);
      await token.blocklist(alice.address);
      await expect(token.connect(alice).transfer(bob.address, 1n))
        .to.be.revertedWithCustomError(token, "BlocklistTokenBlocklisted")
        .withArgs(alice.address);
    });

    it("reverts a transfer to it with BlocklistTokenBlocklisted", async function () {
      const { token, holder, bob } = await loadFixture(blockedFixture);
      await token.blocklist(bob.address);
      await expect(token.connect(holder).transfer(bob.address, 1n))
        .to.be.revertedWithCustomError(token, "BlocklistTokenBlocklisted")
        .withArgs(bob.address);
    });

    it("reverts a transferFrom whose owner is blocklisted", async function () {
      const { token, alice, bob, spender } = await loadFixture(blockedFixture);
      await token.blocklist(alice.address);
      await expect(token.connect(spender).transferFrom(alice.address, bob.address, 1n))
        .to.be.revertedWithCustomError(token, "BlocklistTokenBlocklisted")
        .withArgs(alice.address);
    });

    it("reverts a transferFrom by a blocklisted spender, even with an unlimited allowance", async function () {
      const { token, holder, bob, spender } = await loadFixture(blockedFixture);
      await token.blocklist(spender.address);
      await expect(token.connect(spender).transferFrom(holder.address, bob.address, 1n))
        .to.be.revertedWithCustomError(token, "BlocklistTokenBlocklisted")
        .withArgs(spender.address);
    });

    it("reverts a mint to it", async function () {
      const { token, bob } = await loadFixture(blockedFixture);
      await token.blocklist(bob.address);
      await expect(token.mint(bob.address, 1n))
        .to.be.revertedWithCustomError(token, "BlocklistTokenBlocklisted")
        .withArgs(bob.address);
    });

    it("reverts an approval by it or for it", async function () {
      const { token, holder, alice, bob } = await loadFixture(blockedFixture);
      await token.blocklist(alice.address);
      await expect(token.connect(alice).approve(bob.address, 1n))
        .to.be.revertedWithCustomError(token, "BlocklistTokenBlocklisted")
        .withArgs(alice.address);
      await expect(token.connect(holder).approve(alice.address, 1n))
        .to.be.revertedWithCustomError(token, "BlocklistTokenBlocklisted")
        .withArgs(alice.address);
    });

    it("does not stop transfers between other accounts", async function () {
      const { token, holder, alice, bob } = await loadFixture(blockedFixture);
      await token.blocklist(alice.address);
      await expect(token.connect(holder).transfer(bob.address, 5n * USDC)).to.changeTokenBalances(
        token,
        [holder, bob],
        [-5n * USDC, 5n * USDC],
      );
    });

    it("lets the account transfer again once unblocklisted", async function () {
      const { token, alice, bob } = await loadFixture(blockedFixture);
      await token.blocklist(alice.address);
      await expect(token.unblocklist(alice.address)).to.emit(token, "Unblocklisted").withArgs(alice.address);
      expect(await token.isBlocklisted(alice.address)).to.equal(false);
      await expect(token.connect(alice).transfer(bob.address, 1n)).to.changeTokenBalance(token, bob, 1n);
    });
  });

  describe("given the token is paused", function () {
    async function pausedFixture() {
      const base = await deployFixture();
      await base.token.connect(base.holder).approve(base.spender.address, ethers.MaxUint256);
      await base.token.connect(base.bob).pause();
      return base;
    }

    it("emits Paused with the caller and reports paused", async function () {
      const { token, bob } = await loadFixture(deployFixture);
      await expect(token.connect(bob).pause()).to.emit(token, "Paused").withArgs(bob.address);
      expect(await token.paused()).to.equal(true);
    });

    it("reverts a transfer with BlocklistTokenPaused carrying sender and receiver", async function () {
      const { token, holder, bob } = await loadFixture(pausedFixture);
      await expect(token.connect(holder).transfer(bob.address, 1n))
        .to.be.revertedWithCustomError(token, "BlocklistTokenPaused")
        .withArgs(holder.address, bob.address);
    });

    it("reverts a transferFrom with BlocklistTokenPaused", async function () {
      const { token, holder, bob, spender } = await loadFixture(pausedFixture);
      await expect(token.connect(spender).transferFrom(holder.address, bob.address, 1n))
        .to.be.revertedWithCustomError(token, "BlocklistTokenPaused")
        .withArgs(holder.address, bob.address);
    });

    it("reverts a mint with BlocklistTokenPaused from the zero address", async function () {
      const { token, bob } = await loadFixture(pausedFixture);
      await expect(token.mint(bob.address, 1n))
        .to.be.revertedWithCustomError(token, "BlocklistTokenPaused")
        .withArgs(ethers.ZeroAddress, bob.address);
    });

    it("reverts an approval and a permit with BlocklistTokenPaused carrying owner and spender", async function () {
      const { token, holder, bob } = await loadFixture(pausedFixture);
      await expect(token.connect(holder).approve(bob.address, 1n))
        .to.be.revertedWithCustomError(token, "BlocklistTokenPaused")
        .withArgs(holder.address, bob.address);
      const deadline = BigInt(await time.latest()) + 3_600n;
      const { v, r, s } = await signPermit(token, holder, bob.address, 1n, deadline);
      await expect(token.permit(holder.address, bob.address, 1n, deadline, v, r, s))
        .to.be.revertedWithCustomError(token, "BlocklistTokenPaused")
        .withArgs(holder.address, bob.address);
    });

    it("lets transfers through again once unpaused", async function () {
      const { token, holder, bob } = await loadFixture(pausedFixture);
      await expect(token.connect(bob).unpause()).to.emit(token, "Unpaused").withArgs(bob.address);
      expect(await token.paused()).to.equal(false);
      await expect(token.connect(holder).transfer(bob.address, 1n)).to.changeTokenBalance(token, bob, 1n);
    });
  });

  describe("permit", function () {
    it("sets the allowance from the owner's signature at 6 decimals", async function () {
      const { token, holder, bob } = await loadFixture(deployFixture);
      const deadline = BigInt(await time.latest()) + 3_600n;
      const { v, r, s } = await signPermit(token, holder, bob.address, 7n * USDC, deadline);
      await token.connect(bob).permit(holder.address, bob.address, 7n * USDC, deadline, v, r, s);
      expect(await token.allowance(holder.address, bob.address)).to.equal(7n * USDC);
    });
  });
});
