import { loadFixture } from "@nomicfoundation/hardhat-network-helpers";
import { expect } from "chai";
import { ethers } from "hardhat";

describe("NoReturnToken", function () {
  async function deployFixture() {
    const [holder, alice, spender] = await ethers.getSigners();
    const token = await ethers.deployContract("NoReturnToken");
    await token.mint(holder.address, 1_000_000n);
    // The same address seen through the standard ERC-20 ABI, which expects a bool from `transfer`.
    const asIERC20 = new ethers.Contract(
      await token.getAddress(),
      ["function transfer(address to, uint256 value) returns (bool)"],
      holder,
    );
    return { token, asIERC20, holder, alice, spender };
  }

  describe("metadata", function () {
    it("reports 6 decimals, like USDT", async function () {
      const { token } = await loadFixture(deployFixture);
      expect(await token.decimals()).to.equal(6n);
    });
  });

  describe("transfer", function () {
    it("returns no data at all", async function () {
      const { token, holder, alice } = await loadFixture(deployFixture);
      const raw = await ethers.provider.call({
        from: holder.address,
        to: await token.getAddress(),
        data: token.interface.encodeFunctionData("transfer", [alice.address, 1n]),
      });
      expect(raw).to.equal("0x");
    });

    it("breaks a caller that decodes the standard bool return value", async function () {
      const { asIERC20, alice } = await loadFixture(deployFixture);
      let error: unknown;
      try {
        await asIERC20.getFunction("transfer").staticCall(alice.address, 1n);
      } catch (caught) {
        error = caught;
      }
      expect(error).to.have.property("code", "BAD_DATA");
    });

    it("moves the amount and emits Transfer", async function () {
      const { token, holder, alice } = await loadFixture(deployFixture);
      await expect(token.connect(holder).transfer(alice.address, 250n))
        .to.emit(token, "Transfer")
        .withArgs(holder.address, alice.address, 250n);
      expect(await token.balanceOf(holder.address)).to.equal(999_750n);
      expect(await token.balanceOf(alice.address)).to.equal(250n);
    });

    it("reverts with NoReturnTokenInsufficientBalance when the sender holds less", async function () {
      const { token, alice, holder } = await loadFixture(deployFixture);
      await expect(token.connect(alice).transfer(holder.address, 1n))
        .to.be.revertedWithCustomError(token, "NoReturnTokenInsufficientBalance")
        .withArgs(alice.address, 0n, 1n);
    });
  });

  describe("transferFrom", function () {
    it("returns no data at all", async function () {
      const { token, holder, alice, spender } = await loadFixture(deployFixture);
      await token.connect(holder).approve(spender.address, 10n);
      const raw = await ethers.provider.call({
        from: spender.address,
        to: await token.getAddress(),
        data: token.interface.encodeFunctionData("transferFrom", [holder.address, alice.address, 10n]),
      });
      expect(raw).to.equal("0x");
    });

    it("moves the amount and spends the allowance", async function () {
      const { token, holder, alice, spender } = await loadFixture(deployFixture);
      await token.connect(holder).approve(spender.address, 100n);
      await token.connect(spender).transferFrom(holder.address, alice.address, 60n);
      expect(await token.balanceOf(alice.address)).to.equal(60n);
      expect(await token.allowance(holder.address, spender.address)).to.equal(40n);
    });

    it("never decreases an allowance of type(uint256).max, as USDT", async function () {
      const { token, holder, alice, spender } = await loadFixture(deployFixture);
      await token.connect(holder).approve(spender.address, ethers.MaxUint256);
      await token.connect(spender).transferFrom(holder.address, alice.address, 60n);
      expect(await token.allowance(holder.address, spender.address)).to.equal(ethers.MaxUint256);
    });

    it("reverts with NoReturnTokenInsufficientAllowance when the allowance is short", async function () {
      const { token, holder, alice, spender } = await loadFixture(deployFixture);
      await token.connect(holder).approve(spender.address, 5n);
      await expect(token.connect(spender).transferFrom(holder.address, alice.address, 6n))
        .to.be.revertedWithCustomError(token, "NoReturnTokenInsufficientAllowance")
        .withArgs(holder.address, spender.address, 5n, 6n);
    });
  });

  describe("approve", function () {
    it("returns no data at all", async function () {
      const { token, holder, spender } = await loadFixture(deployFixture);
      const raw = await ethers.provider.call({
        from: holder.address,
        to: await token.getAddress(),
        data: token.interface.encodeFunctionData("approve", [spender.address, 1n]),
      });
      expect(raw).to.equal("0x");
    });

    describe("given a non-zero allowance", function () {
      it("reverts with NoReturnTokenApproveFromNonZero when changing it to another non-zero value", async function () {
        const { token, holder, spender } = await loadFixture(deployFixture);
        await token.connect(holder).approve(spender.address, 100n);
        await expect(token.connect(holder).approve(spender.address, 200n))
          .to.be.revertedWithCustomError(token, "NoReturnTokenApproveFromNonZero")
          .withArgs(holder.address, spender.address, 100n, 200n);
        expect(await token.allowance(holder.address, spender.address)).to.equal(100n);
      });

      it("accepts a reset to zero, after which a new non-zero value is accepted", async function () {
        const { token, holder, spender } = await loadFixture(deployFixture);
        await token.connect(holder).approve(spender.address, 100n);
        await expect(token.connect(holder).approve(spender.address, 0n))
          .to.emit(token, "Approval")
          .withArgs(holder.address, spender.address, 0n);
        await token.connect(holder).approve(spender.address, 200n);
        expect(await token.allowance(holder.address, spender.address)).to.equal(200n);
      });
    });
  });
});
