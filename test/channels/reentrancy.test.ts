import { time } from "@nomicfoundation/hardhat-network-helpers";
import { expect } from "chai";
import { ethers } from "ethers";
import hre from "hardhat";
import type { ReentrantToken } from "../../typechain-types";
import { HOUR, loadChannels, voucher, type ChannelsFixture } from "./fixture";

/**
 * Re-entrancy into CofferChannels through a token's transfer hook (ReentrantToken, fired before or after the
 * balances move). Every entry point is guarded: a re-entering call made during a deposit makes the deposit revert
 * with `ReentrancyGuardReentrantCall`; one made during a payout makes the push fail, and the payout is credited. In
 * every case the contract's balance covers what it owes, and the callback changes nothing.
 */

async function setUp(f: ChannelsFixture, before: boolean) {
  const token = (await hre.ethers.deployContract("ReentrantToken")) as unknown as ReentrantToken;
  const address = await token.getAddress();
  await token.setCallbackBeforeUpdate(before);
  await token.mint(f.payer.address, 1_000n);
  await token.connect(f.payer).approve(await f.channels.getAddress(), ethers.MaxUint256);
  const salt = ethers.id(`reentrancy-${before}`);
  await f.channels.connect(f.payer).open(f.payee.address, address, f.sessionKey.address, 500n, HOUR, salt);
  const channelId = await f.channels.channelIdOf(f.payer.address, f.payee.address, address, salt);
  return { token, address, channelId };
}

describe("CofferChannels against re-entrancy through a token's hook", function () {
  for (const before of [true, false]) {
    describe(`with the callback ${before ? "before" : "after"} the balances move`, function () {
      it("a re-entering call during a deposit reverts the deposit (open and top-up)", async function () {
        const f = await loadChannels();
        const { token, address, channelId } = await setUp(f, before);
        await token.setBubbleRevert(true);
        const salt2 = ethers.id("another");
        const reentries = [
          f.channels.interface.encodeFunctionData("withdraw", [address, f.payer.address]),
          f.channels.interface.encodeFunctionData("startExit", [channelId]),
          f.channels.interface.encodeFunctionData("topUp", [channelId, 1n]),
          f.channels.interface.encodeFunctionData("open", [f.payee.address, address, f.payer.address, 1n, HOUR, salt2]),
          f.channels.interface.encodeFunctionData("redeemMany", [[]]),
          f.channels.interface.encodeFunctionData("close", [channelId, 0n, "0x"]),
        ];
        for (const data of reentries) {
          await token.arm(await f.channels.getAddress(), data);
          await expect(f.channels.connect(f.payer).topUp(channelId, 10n)).to.be.revertedWithCustomError(
            f.channels,
            "ReentrancyGuardReentrantCall",
          );
          await expect(
            f.channels.connect(f.payer).open(f.payee.address, address, f.payer.address, 10n, HOUR, ethers.id("x")),
          ).to.be.revertedWithCustomError(f.channels, "ReentrancyGuardReentrantCall");
          await token.disarm();
        }
        expect((await f.channels.getChannel(channelId)).deposit).to.equal(500n);
        expect(await token.balanceOf(await f.channels.getAddress())).to.equal(500n);
      });

      it("a re-entering call during a payout is refused; the payout is credited, then withdrawn", async function () {
        const f = await loadChannels();
        const { token, address, channelId } = await setUp(f, before);
        await token.setBubbleRevert(true);
        const second = await voucher(f, channelId, 300n);
        await token.arm(
          await f.channels.getAddress(),
          f.channels.interface.encodeFunctionData("redeem", [channelId, 300n, second]),
        );
        await expect(f.channels.connect(f.payee).redeem(channelId, 200n, await voucher(f, channelId, 200n)))
          .to.emit(f.channels, "PayoutCredited")
          .withArgs(f.payee.address, address, 200n);
        expect((await f.channels.getChannel(channelId)).redeemed).to.equal(200n);
        await f.channels.connect(f.payer).startExit(channelId);
        await time.increase(HOUR);
        await token.arm(
          await f.channels.getAddress(),
          f.channels.interface.encodeFunctionData("finishExit", [channelId]),
        );
        await expect(f.channels.connect(f.payer).finishExit(channelId))
          .to.emit(f.channels, "PayoutCredited")
          .withArgs(f.payer.address, address, 300n);
        // A refused callback rolls back with the transfer, so the token is still armed: a withdrawal while it is
        // refuses too and keeps the credit.
        await expect(f.channels.connect(f.payee).withdraw(address, f.payee.address))
          .to.be.revertedWithCustomError(f.channels, "CofferChannelsTokenTransferFailed")
          .withArgs(address, f.payee.address, 200n);
        await token.disarm();
        await f.channels.connect(f.payee).withdraw(address, f.payee.address);
        await f.channels.connect(f.payer).withdraw(address, f.payer.address);
        expect(await token.balanceOf(f.payee.address)).to.equal(200n);
        expect(await token.balanceOf(f.payer.address)).to.equal(800n);
        expect(await token.balanceOf(await f.channels.getAddress())).to.equal(0n);
      });
    });
  }
});
