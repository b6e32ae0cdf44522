import { loadFixture, time } from "@nomicfoundation/hardhat-network-helpers";
import { expect } from "chai";
import { AbiCoder } from "ethers";
import { ethers } from "hardhat";
import { signPermit } from "./permit";

describe("MockERC20", function () {
  async function deployFixture() {
    const [holder, alice, bob, relayer] = await ethers.getSigners();
    const usd6 = await ethers.deployContract("MockERC20", ["Mock USD", "mUSD", 6]);
    const eth18 = await ethers.deployContract("MockERC20", ["Mock Ether", "mETH", 18]);
    const wide24 = await ethers.deployContract("MockERC20", ["Mock Wide", "mWIDE", 24]);
    return { usd6, eth18, wide24, holder, alice, bob, relayer };
  }

  describe("decimals", function () {
    it("reports the decimals chosen at deployment: 6, 18 and 24", async function () {
      const { usd6, eth18, wide24 } = await loadFixture(deployFixture);
      expect(await usd6.decimals()).to.equal(6n);
      expect(await eth18.decimals()).to.equal(18n);
      expect(await wide24.decimals()).to.equal(24n);
    });
  });

  describe("mint", function () {
    it("lets any caller credit any account and raises the total supply", async function () {
      const { wide24, alice, bob } = await loadFixture(deployFixture);
      const amount = 5n * 10n ** 24n;
      await expect(wide24.connect(bob).mint(alice.address, amount))
        .to.emit(wide24, "Transfer")
        .withArgs(ethers.ZeroAddress, alice.address, amount);
      expect(await wide24.balanceOf(alice.address)).to.equal(amount);
      expect(await wide24.totalSupply()).to.equal(amount);
    });
  });

  describe("burn", function () {
    it("lets any caller debit any account without an allowance and lowers the total supply", async function () {
      const { usd6, alice, bob } = await loadFixture(deployFixture);
      await usd6.mint(alice.address, 1_000n);
      await usd6.connect(bob).burn(alice.address, 400n);
      expect(await usd6.balanceOf(alice.address)).to.equal(600n);
      expect(await usd6.totalSupply()).to.equal(600n);
    });

    it("reverts with ERC20InsufficientBalance when burning more than the balance", async function () {
      const { usd6, alice } = await loadFixture(deployFixture);
      await usd6.mint(alice.address, 10n);
      await expect(usd6.burn(alice.address, 11n))
        .to.be.revertedWithCustomError(usd6, "ERC20InsufficientBalance")
        .withArgs(alice.address, 10n, 11n);
    });
  });

  describe("transfer", function () {
    it("returns an ABI-encoded true and moves exactly the amount asked", async function () {
      const { eth18, alice, bob } = await loadFixture(deployFixture);
      await eth18.mint(alice.address, 100n);
      const raw = await ethers.provider.call({
        from: alice.address,
        to: await eth18.getAddress(),
        data: eth18.interface.encodeFunctionData("transfer", [bob.address, 40n]),
      });
      expect(raw).to.equal(AbiCoder.defaultAbiCoder().encode(["bool"], [true]));
      await expect(eth18.connect(alice).transfer(bob.address, 40n)).to.changeTokenBalances(
        eth18,
        [alice, bob],
        [-40n, 40n],
      );
    });
  });

  for (const decimals of [6, 24] as const) {
    describe(`permit at ${decimals} decimals`, function () {
      async function permitFixture() {
        const base = await deployFixture();
        const token = decimals === 6 ? base.usd6 : base.wide24;
        const value = 3n * 10n ** BigInt(decimals);
        const deadline = BigInt(await time.latest()) + 3_600n;
        return { ...base, token, value, deadline };
      }

      it("sets the allowance from the owner's signature, submitted by anyone, and spends the nonce", async function () {
        const { token, holder, bob, relayer, value, deadline } = await loadFixture(permitFixture);
        const { v, r, s } = await signPermit(token, holder, bob.address, value, deadline);
        await expect(token.connect(relayer).permit(holder.address, bob.address, value, deadline, v, r, s))
          .to.emit(token, "Approval")
          .withArgs(holder.address, bob.address, value);
        expect(await token.allowance(holder.address, bob.address)).to.equal(value);
        expect(await token.nonces(holder.address)).to.equal(1n);
      });

      it("lets the spender pull the permitted amount with transferFrom", async function () {
        const { token, holder, bob, value, deadline } = await loadFixture(permitFixture);
        await token.mint(holder.address, value);
        const { v, r, s } = await signPermit(token, holder, bob.address, value, deadline);
        await token.permit(holder.address, bob.address, value, deadline, v, r, s);
        await expect(token.connect(bob).transferFrom(holder.address, bob.address, value)).to.changeTokenBalances(
          token,
          [holder, bob],
          [-value, value],
        );
      });

      it("reverts with ERC2612InvalidSigner when the same signature is replayed", async function () {
        const { token, holder, bob, value, deadline } = await loadFixture(permitFixture);
        const { v, r, s } = await signPermit(token, holder, bob.address, value, deadline);
        await token.permit(holder.address, bob.address, value, deadline, v, r, s);
        await expect(token.permit(holder.address, bob.address, value, deadline, v, r, s)).to.be.revertedWithCustomError(
          token,
          "ERC2612InvalidSigner",
        );
      });

      it("reverts with ERC2612ExpiredSignature after the deadline", async function () {
        const { token, holder, bob, value, deadline } = await loadFixture(permitFixture);
        const { v, r, s } = await signPermit(token, holder, bob.address, value, deadline);
        await time.increaseTo(deadline + 1n);
        await expect(token.permit(holder.address, bob.address, value, deadline, v, r, s))
          .to.be.revertedWithCustomError(token, "ERC2612ExpiredSignature")
          .withArgs(deadline);
      });
    });
  }
});
