import { time } from "@nomicfoundation/hardhat-network-helpers";
import { expect } from "chai";
import { ethers } from "ethers";
import hre from "hardhat";
import type { GasBurningReceiver, ReentrantReceiver, RevertingReceiver } from "../../typechain-types";
import { deployMock, freshAddress } from "../escrow/security-helpers";
import { ETH, HOUR, loadChannels, voucher, type ChannelsFixture } from "./fixture";

/**
 * ETH channels whose payee or payer is a hostile contract: one that reverts on every ETH transfer, one that burns all
 * the gas it is given, and one that re-enters the channel contract when paid. None of them may block a redemption,
 * a close or an exit, nor take more than it is owed: ETH goes out with a 50,000-gas stipend, and a push that fails
 * is credited to the receiver, who withdraws it later to any address.
 */

type Receiver = RevertingReceiver | GasBurningReceiver | ReentrantReceiver;
const KINDS = ["RevertingReceiver", "GasBurningReceiver", "ReentrantReceiver"] as const;

/** Deploys the receiver; a reentrant one is armed to call `call` on the channels contract (and bubble). */
async function deployReceiver(f: ChannelsFixture, kind: (typeof KINDS)[number]) {
  const receiver = await deployMock<Receiver>(kind);
  const address = await receiver.getAddress();
  const channels = await f.channels.getAddress();
  const rearm = async (data: string) => {
    if (kind !== "ReentrantReceiver") return;
    await (receiver as ReentrantReceiver).setBubbleRevert(true);
    await (receiver as ReentrantReceiver).arm(channels, data);
  };
  const act = (data: string, value = 0n) => receiver.connect(f.stranger).execute(channels, value, data, { value });
  return { receiver, address, rearm, act };
}

const ethBalance = (account: string) => hre.ethers.provider.getBalance(account);

describe("CofferChannels with hostile ETH receivers", function () {
  for (const kind of KINDS) {
    describe(`given ${kind}`, function () {
      it("as the payee: redemptions and the close are credited, the payer's refund is exact, the credit withdraws", async function () {
        const f = await loadChannels();
        const payee = await deployReceiver(f, kind);
        const salt = ethers.id(kind);
        await f.channels
          .connect(f.payer)
          .open(payee.address, ETH, f.sessionKey.address, 1000n, HOUR, salt, { value: 1000n });
        const channelId = await f.channels.channelIdOf(f.payer.address, payee.address, ETH, salt);
        await payee.act(f.channels.interface.encodeFunctionData("setRedeemer", [f.redeemer.address, true]));
        await payee.rearm(
          f.channels.interface.encodeFunctionData("redeem", [channelId, 400n, await voucher(f, channelId, 400n)]),
        );
        await expect(f.channels.connect(f.redeemer).redeem(channelId, 300n, await voucher(f, channelId, 300n)))
          .to.emit(f.channels, "PayoutCredited")
          .withArgs(payee.address, ETH, 300n);
        const payerBefore = await ethBalance(f.payer.address);
        await f.channels.connect(f.redeemer).close(channelId, 500n, await voucher(f, channelId, 500n));
        expect(await ethBalance(f.payer.address)).to.equal(payerBefore + 500n);
        expect(await f.channels.creditOf(payee.address, ETH)).to.equal(500n);
        const to = freshAddress();
        await payee.act(f.channels.interface.encodeFunctionData("withdraw", [ETH, to]));
        expect(await ethBalance(to)).to.equal(500n);
        expect(await ethBalance(await f.channels.getAddress())).to.equal(0n);
      });

      it("as the payer: the exit's refund is credited; the payee's close still pays the payee", async function () {
        const f = await loadChannels();
        const payer = await deployReceiver(f, kind);
        const open = (salt: string) =>
          payer.act(
            f.channels.interface.encodeFunctionData("open", [
              f.payee.address,
              ETH,
              f.sessionKey.address,
              1000n,
              HOUR,
              salt,
            ]),
            1000n,
          );
        await open(ethers.id("a"));
        await open(ethers.id("b"));
        const [a, b] = [ethers.id("a"), ethers.id("b")].map((salt) =>
          ethers.keccak256(
            ethers.AbiCoder.defaultAbiCoder().encode(
              ["address", "address", "address", "bytes32"],
              [payer.address, f.payee.address, ETH, salt],
            ),
          ),
        ) as [string, string];
        await payer.act(f.channels.interface.encodeFunctionData("startExit", [a]));
        await time.increase(HOUR);
        await payer.rearm(f.channels.interface.encodeFunctionData("finishExit", [b]));
        await payer.act(f.channels.interface.encodeFunctionData("finishExit", [a]));
        expect(await f.channels.creditOf(payer.address, ETH)).to.equal(1000n);
        const payeeBefore = await ethBalance(f.payee.address);
        const receipt = await (await f.channels.connect(f.payee).close(b, 250n, await voucher(f, b, 250n))).wait();
        expect(await ethBalance(f.payee.address)).to.equal(payeeBefore + 250n - receipt!.gasUsed * receipt!.gasPrice);
        expect(await f.channels.creditOf(payer.address, ETH)).to.equal(1750n);
        const to = freshAddress();
        await payer.act(f.channels.interface.encodeFunctionData("withdraw", [ETH, to]));
        expect(await ethBalance(to)).to.equal(1750n);
      });
    });
  }

  it("a withdrawal to a receiver that refuses reverts and keeps the credit", async function () {
    const f = await loadChannels();
    const payee = await deployReceiver(f, "RevertingReceiver");
    await f.channels
      .connect(f.payer)
      .open(payee.address, ETH, f.sessionKey.address, 10n, HOUR, ethers.ZeroHash, { value: 10n });
    const channelId = await f.channels.channelIdOf(f.payer.address, payee.address, ETH, ethers.ZeroHash);
    await payee.act(
      f.channels.interface.encodeFunctionData("close", [channelId, 10n, await voucher(f, channelId, 10n)]),
    );
    const refusing = await deployReceiver(f, "RevertingReceiver");
    await expect(payee.act(f.channels.interface.encodeFunctionData("withdraw", [ETH, refusing.address])))
      .to.be.revertedWithCustomError(f.channels, "CofferChannelsNativeTransferFailed")
      .withArgs(refusing.address, 10n);
    expect(await f.channels.creditOf(payee.address, ETH)).to.equal(10n);
    await expect(f.channels.connect(f.stranger).withdraw(ETH, f.stranger.address))
      .to.be.revertedWithCustomError(f.channels, "CofferChannelsNothingToWithdraw")
      .withArgs(f.stranger.address, ETH);
    await expect(
      payee.act(f.channels.interface.encodeFunctionData("withdraw", [ETH, ethers.ZeroAddress])),
    ).to.be.revertedWithCustomError(f.channels, "CofferChannelsZeroAddress");
  });
});
