import { expect } from "chai";
import { ethers } from "ethers";
import hre from "hardhat";
import { channelIdOf, voucherDigest } from "../../sdk/src/channels";
import { signVoucher } from "../../sdk/src/channels";
import type { CofferChannels } from "../../typechain-types";
import { BOUNDARY_OFFSETS, atOffset } from "../escrow/security-helpers";
import { DAY, ETH, HOUR, USD, balanceOf, loadChannels, nextBlockAt, openChannel, startExit, voucher } from "./fixture";

describe("CofferChannels", function () {
  describe("opening", function () {
    it("takes the deposit, stores the channel under its id and says so", async function () {
      const f = await loadChannels();
      const salt = ethers.id("order-1");
      const id = channelIdOf(f.payer.address, f.payee.address, f.tokenAddress, salt);
      const before = await f.token.balanceOf(f.payer.address);
      await expect(
        f.channels.connect(f.payer).open(f.payee.address, f.tokenAddress, f.sessionKey.address, 100n * USD, HOUR, salt),
      )
        .to.emit(f.channels, "ChannelOpened")
        .withArgs(id, f.payer.address, f.payee.address, f.tokenAddress, f.sessionKey.address, 100n * USD, HOUR, salt);
      expect(before - (await f.token.balanceOf(f.payer.address))).to.equal(100n * USD);
      expect(await f.token.balanceOf(await f.channels.getAddress())).to.equal(100n * USD);
      const channel = await f.channels.getChannel(id);
      expect(channel.payer).to.equal(f.payer.address);
      expect(channel.payee).to.equal(f.payee.address);
      expect(channel.signer).to.equal(f.sessionKey.address);
      expect([channel.deposit, channel.redeemed, channel.exitAt, channel.status]).to.deep.equal([
        100n * USD,
        0n,
        0n,
        1n,
      ]);
      expect(await f.channels.channelIdOf(f.payer.address, f.payee.address, f.tokenAddress, salt)).to.equal(id);
    });

    it("opens an ETH channel with exactly msg.value", async function () {
      const f = await loadChannels();
      const { channelId } = await openChannel(f, { token: ETH, deposit: ethers.parseEther("1") });
      expect((await f.channels.getChannel(channelId)).deposit).to.equal(ethers.parseEther("1"));
      expect(await hre.ethers.provider.getBalance(await f.channels.getAddress())).to.equal(ethers.parseEther("1"));
      const open = f.channels.connect(f.payer);
      await expect(open.open(f.payee.address, ETH, f.payer.address, 10n, HOUR, ethers.ZeroHash, { value: 9n }))
        .to.be.revertedWithCustomError(f.channels, "CofferChannelsWrongValue")
        .withArgs(9n, 10n);
      await expect(
        open.open(f.payee.address, f.tokenAddress, f.payer.address, 10n, HOUR, ethers.ZeroHash, { value: 1n }),
      )
        .to.be.revertedWithCustomError(f.channels, "CofferChannelsWrongValue")
        .withArgs(1n, 0n);
    });

    it("refuses bad parameters with errors that carry them", async function () {
      const f = await loadChannels();
      const c = f.channels.connect(f.payer);
      const key = f.sessionKey.address;
      const open = (payee: string, signer: string, amount: bigint, period: bigint, token = f.tokenAddress) =>
        c.open(payee, token, signer, amount, period, ethers.ZeroHash);
      await expect(open(ethers.ZeroAddress, key, 1n, HOUR)).to.be.revertedWithCustomError(
        f.channels,
        "CofferChannelsZeroAddress",
      );
      await expect(open(f.payee.address, ethers.ZeroAddress, 1n, HOUR)).to.be.revertedWithCustomError(
        f.channels,
        "CofferChannelsZeroAddress",
      );
      await expect(open(f.payer.address, key, 1n, HOUR))
        .to.be.revertedWithCustomError(f.channels, "CofferChannelsPayeeIsPayer")
        .withArgs(f.payer.address);
      await expect(open(f.payee.address, key, 0n, HOUR)).to.be.revertedWithCustomError(
        f.channels,
        "CofferChannelsZeroAmount",
      );
      const [min, max] = [await f.channels.MIN_CHALLENGE_PERIOD(), await f.channels.MAX_CHALLENGE_PERIOD()];
      expect([min, max]).to.deep.equal([15n * 60n, 30n * DAY]);
      for (const period of [min - 1n, max + 1n]) {
        await expect(open(f.payee.address, key, 1n, period))
          .to.be.revertedWithCustomError(f.channels, "CofferChannelsInvalidChallengePeriod")
          .withArgs(period, min, max);
      }
      for (const [i, period] of [min, max].entries()) {
        await c.open(f.payee.address, f.tokenAddress, key, 1n, period, ethers.toBeHex(i + 1, 32));
      }
      await expect(open(f.payee.address, key, 1n, HOUR, f.stranger.address))
        .to.be.revertedWithCustomError(f.channels, "CofferChannelsNotAToken")
        .withArgs(f.stranger.address);
    });

    it("never reuses an id: the same salt is refused while open and after the channel closed", async function () {
      const f = await loadChannels();
      const { channelId, salt } = await openChannel(f);
      const again = () =>
        f.channels.connect(f.payer).open(f.payee.address, f.tokenAddress, f.sessionKey.address, USD, HOUR, salt);
      await expect(again())
        .to.be.revertedWithCustomError(f.channels, "CofferChannelsChannelExists")
        .withArgs(channelId);
      await f.channels.connect(f.payee).close(channelId, 0n, "0x");
      await expect(again())
        .to.be.revertedWithCustomError(f.channels, "CofferChannelsChannelExists")
        .withArgs(channelId);
    });
  });

  describe("topping up", function () {
    it("adds to the deposit, from the payer only", async function () {
      const f = await loadChannels();
      const { channelId } = await openChannel(f);
      await expect(f.channels.connect(f.payer).topUp(channelId, 50n * USD))
        .to.emit(f.channels, "ChannelToppedUp")
        .withArgs(channelId, 50n * USD, 150n * USD);
      expect((await f.channels.getChannel(channelId)).deposit).to.equal(150n * USD);
      await expect(f.channels.connect(f.stranger).topUp(channelId, USD))
        .to.be.revertedWithCustomError(f.channels, "CofferChannelsUnauthorizedCaller")
        .withArgs(f.stranger.address, f.payer.address);
      await expect(f.channels.connect(f.payer).topUp(channelId, 0n)).to.be.revertedWithCustomError(
        f.channels,
        "CofferChannelsZeroAmount",
      );
    });

    it("refuses a deposit beyond 2^96 - 1, and a top-up once an exit started, of a closed or unknown channel", async function () {
      const f = await loadChannels();
      const max = 2n ** 96n - 1n;
      await f.token.mint(f.payer.address, max);
      const { channelId } = await openChannel(f, { deposit: 1n });
      await expect(f.channels.connect(f.payer).topUp(channelId, max))
        .to.be.revertedWithCustomError(f.channels, "CofferChannelsDepositTooLarge")
        .withArgs(max + 1n, max);
      await f.channels.connect(f.payer).topUp(channelId, max - 1n);
      const exitAt = await startExit(f, channelId);
      await expect(f.channels.connect(f.payer).topUp(channelId, 1n))
        .to.be.revertedWithCustomError(f.channels, "CofferChannelsExitStarted")
        .withArgs(channelId, exitAt);
      await f.channels.connect(f.payee).close(channelId, 0n, "0x");
      await expect(f.channels.connect(f.payer).topUp(channelId, 1n))
        .to.be.revertedWithCustomError(f.channels, "CofferChannelsChannelClosed")
        .withArgs(channelId);
      const unknown = ethers.id("nothing");
      await expect(f.channels.connect(f.payer).topUp(unknown, 1n))
        .to.be.revertedWithCustomError(f.channels, "CofferChannelsChannelNotFound")
        .withArgs(unknown);
    });
  });

  describe("redeeming", function () {
    it("pays the payee the increase over the last redemption, and keeps the channel open", async function () {
      const f = await loadChannels();
      const { channelId } = await openChannel(f);
      const payee = f.channels.connect(f.payee);
      await expect(payee.redeem(channelId, 3n * USD, await voucher(f, channelId, 3n * USD)))
        .to.emit(f.channels, "VoucherRedeemed")
        .withArgs(channelId, f.payee.address, 3n * USD, 3n * USD);
      await expect(payee.redeem(channelId, 10n * USD, await voucher(f, channelId, 10n * USD)))
        .to.emit(f.channels, "VoucherRedeemed")
        .withArgs(channelId, f.payee.address, 7n * USD, 10n * USD);
      expect(await f.token.balanceOf(f.payee.address)).to.equal(10n * USD);
      const channel = await f.channels.getChannel(channelId);
      expect([channel.redeemed, channel.status]).to.deep.equal([10n * USD, 1n]);
    });

    it("a voucher of the full deposit is good; one cent more, an old one or the same one again is worthless", async function () {
      const f = await loadChannels();
      const { channelId, deposit } = await openChannel(f);
      const payee = f.channels.connect(f.payee);
      const old = await voucher(f, channelId, USD);
      await expect(payee.redeem(channelId, deposit + 1n, await voucher(f, channelId, deposit + 1n)))
        .to.be.revertedWithCustomError(f.channels, "CofferChannelsVoucherExceedsDeposit")
        .withArgs(channelId, deposit + 1n, deposit);
      const full = await voucher(f, channelId, deposit);
      await payee.redeem(channelId, deposit, full);
      for (const [amount, signature] of [
        [deposit, full],
        [USD, old],
      ] as const) {
        await expect(payee.redeem(channelId, amount, signature))
          .to.be.revertedWithCustomError(f.channels, "CofferChannelsVoucherNotNewer")
          .withArgs(channelId, amount, deposit);
      }
      expect(await f.token.balanceOf(f.payee.address)).to.equal(deposit);
    });

    it("takes only the channel's signer: not the payer's key when a session key signs, not a stranger's", async function () {
      const f = await loadChannels();
      const { channelId } = await openChannel(f);
      for (const wrong of [f.payer, f.stranger, f.payee]) {
        await expect(f.channels.connect(f.payee).redeem(channelId, USD, await voucher(f, channelId, USD, wrong)))
          .to.be.revertedWithCustomError(f.channels, "CofferChannelsInvalidVoucherSignature")
          .withArgs(channelId, f.sessionKey.address);
      }
      await expect(f.channels.connect(f.payee).redeem(channelId, USD, "0x1234"))
        .to.be.revertedWithCustomError(f.channels, "CofferChannelsInvalidVoucherSignature")
        .withArgs(channelId, f.sessionKey.address);
    });

    it("binds a voucher to its channel, contract and chain", async function () {
      const f = await loadChannels();
      const { channelId } = await openChannel(f);
      const { channelId: other } = await openChannel(f);
      const wrongChannel = await voucher(f, other, USD);
      const secondContract = await hre.ethers.deployContract("CofferChannels");
      const wrongContract = await signVoucher(
        f.sessionKey,
        { channelId, amount: USD },
        { ...f.domain, channels: await secondContract.getAddress() },
      );
      const wrongChain = await signVoucher(f.sessionKey, { channelId, amount: USD }, { ...f.domain, chainId: 1n });
      for (const signature of [wrongChannel, wrongContract, wrongChain]) {
        await expect(f.channels.connect(f.payee).redeem(channelId, USD, signature)).to.be.revertedWithCustomError(
          f.channels,
          "CofferChannelsInvalidVoucherSignature",
        );
      }
      expect(await f.token.balanceOf(f.payee.address)).to.equal(0n);
    });

    it("only the payee and the redeemers it names may redeem; the money goes to the payee", async function () {
      const f = await loadChannels();
      const { channelId } = await openChannel(f);
      const signature = await voucher(f, channelId, 5n * USD);
      for (const caller of [f.stranger, f.payer, f.redeemer]) {
        await expect(f.channels.connect(caller).redeem(channelId, 5n * USD, signature))
          .to.be.revertedWithCustomError(f.channels, "CofferChannelsUnauthorizedCaller")
          .withArgs(caller.address, f.payee.address);
      }
      await expect(f.channels.connect(f.payee).setRedeemer(f.redeemer.address, true))
        .to.emit(f.channels, "RedeemerSet")
        .withArgs(f.payee.address, f.redeemer.address, true);
      expect(await f.channels.isRedeemer(f.payee.address, f.redeemer.address)).to.equal(true);
      await f.channels.connect(f.redeemer).redeem(channelId, 5n * USD, signature);
      expect(await f.token.balanceOf(f.payee.address)).to.equal(5n * USD);
      expect(await f.token.balanceOf(f.redeemer.address)).to.equal(0n);
      await f.channels.connect(f.payee).setRedeemer(f.redeemer.address, false);
      await expect(
        f.channels.connect(f.redeemer).redeem(channelId, 6n * USD, await voucher(f, channelId, 6n * USD)),
      ).to.be.revertedWithCustomError(f.channels, "CofferChannelsUnauthorizedCaller");
      await expect(f.channels.connect(f.payee).setRedeemer(ethers.ZeroAddress, true)).to.be.revertedWithCustomError(
        f.channels,
        "CofferChannelsZeroAddress",
      );
    });

    it("a payer who is its own signer signs with its own key", async function () {
      const f = await loadChannels();
      const { channelId } = await openChannel(f, { signer: f.payer.address });
      await f.channels.connect(f.payee).redeem(channelId, USD, await voucher(f, channelId, USD, f.payer));
      expect(await f.token.balanceOf(f.payee.address)).to.equal(USD);
    });

    it("refuses unknown and closed channels", async function () {
      const f = await loadChannels();
      const { channelId } = await openChannel(f);
      const unknown = ethers.id("none");
      await expect(f.channels.connect(f.payee).redeem(unknown, USD, await voucher(f, unknown, USD)))
        .to.be.revertedWithCustomError(f.channels, "CofferChannelsChannelNotFound")
        .withArgs(unknown);
      const signature = await voucher(f, channelId, USD);
      await f.channels.connect(f.payee).close(channelId, 0n, "0x");
      await expect(f.channels.connect(f.payee).redeem(channelId, USD, signature))
        .to.be.revertedWithCustomError(f.channels, "CofferChannelsChannelClosed")
        .withArgs(channelId);
    });
  });

  describe("redeeming many channels in one transaction", function () {
    it("redeems every good voucher and passes over the others, naming why", async function () {
      const f = await loadChannels();
      const a = await openChannel(f);
      const b = await openChannel(f, { token: ETH, deposit: ethers.parseEther("1") });
      const c = await openChannel(f);
      const stranger = await openChannel(f, { payee: f.stranger.address });
      const items = [
        { channelId: a.channelId, amount: 2n * USD, signature: await voucher(f, a.channelId, 2n * USD) },
        { channelId: b.channelId, amount: 10n ** 17n, signature: await voucher(f, b.channelId, 10n ** 17n) },
        { channelId: c.channelId, amount: 200n * USD, signature: await voucher(f, c.channelId, 200n * USD) },
        { channelId: c.channelId, amount: USD, signature: await voucher(f, c.channelId, USD, f.stranger) },
        { channelId: stranger.channelId, amount: USD, signature: await voucher(f, stranger.channelId, USD) },
        { channelId: a.channelId, amount: 2n * USD, signature: await voucher(f, a.channelId, 2n * USD) },
      ];
      const ethBefore = await hre.ethers.provider.getBalance(f.payee.address);
      expect(await f.channels.connect(f.payee).redeemMany.staticCall(items)).to.equal(2n);
      const tx = f.channels.connect(f.payee).redeemMany(items);
      const channels = f.channels as CofferChannels;
      await expect(tx)
        .to.emit(channels, "RedemptionSkipped")
        .withArgs(c.channelId, channels.interface.getError("CofferChannelsVoucherExceedsDeposit")!.selector)
        .and.to.emit(channels, "RedemptionSkipped")
        .withArgs(c.channelId, channels.interface.getError("CofferChannelsInvalidVoucherSignature")!.selector)
        .and.to.emit(channels, "RedemptionSkipped")
        .withArgs(stranger.channelId, channels.interface.getError("CofferChannelsUnauthorizedCaller")!.selector)
        .and.to.emit(channels, "RedemptionSkipped")
        .withArgs(a.channelId, channels.interface.getError("CofferChannelsVoucherNotNewer")!.selector);
      const receipt = await (await tx).wait();
      expect(await f.token.balanceOf(f.payee.address)).to.equal(2n * USD);
      const gas = receipt!.gasUsed * receipt!.gasPrice;
      expect((await hre.ethers.provider.getBalance(f.payee.address)) - ethBefore + gas).to.equal(10n ** 17n);
    });
  });

  describe("the payer's exit", function () {
    it("only the payer starts and finishes it, once", async function () {
      const f = await loadChannels();
      const { channelId } = await openChannel(f);
      for (const caller of [f.payee, f.stranger]) {
        await expect(f.channels.connect(caller).startExit(channelId))
          .to.be.revertedWithCustomError(f.channels, "CofferChannelsUnauthorizedCaller")
          .withArgs(caller.address, f.payer.address);
      }
      await expect(f.channels.connect(f.payer).finishExit(channelId))
        .to.be.revertedWithCustomError(f.channels, "CofferChannelsExitNotStarted")
        .withArgs(channelId);
      const tx = await f.channels.connect(f.payer).startExit(channelId);
      const started = BigInt((await tx.getBlock())!.timestamp);
      await expect(tx)
        .to.emit(f.channels, "ExitStarted")
        .withArgs(channelId, started + HOUR);
      await expect(f.channels.connect(f.payer).startExit(channelId))
        .to.be.revertedWithCustomError(f.channels, "CofferChannelsExitStarted")
        .withArgs(channelId, started + HOUR);
      await nextBlockAt(started + HOUR);
      await expect(f.channels.connect(f.payee).finishExit(channelId)).to.be.revertedWithCustomError(
        f.channels,
        "CofferChannelsUnauthorizedCaller",
      );
    });

    for (const offset of BOUNDARY_OFFSETS) {
      it(`at the end of the challenge period ${atOffset(offset)}: ${
        offset < 0n
          ? "the payee still redeems (the exit then returns the rest)"
          : "vouchers are worthless; the exit finishes"
      }`, async function () {
        const f = await loadChannels();
        const { channelId, deposit } = await openChannel(f);
        await f.channels.connect(f.payee).redeem(channelId, 10n * USD, await voucher(f, channelId, 10n * USD));
        const exitAt = await startExit(f, channelId);
        const signature = await voucher(f, channelId, 30n * USD);
        await nextBlockAt(exitAt + offset);
        if (offset < 0n) {
          await f.channels.connect(f.payee).redeem(channelId, 30n * USD, signature);
          await nextBlockAt(exitAt);
          await f.channels.connect(f.payer).finishExit(channelId);
          expect(await f.token.balanceOf(f.payee.address)).to.equal(30n * USD);
          return;
        }
        await expect(f.channels.connect(f.payee).redeem(channelId, 30n * USD, signature))
          .to.be.revertedWithCustomError(f.channels, "CofferChannelsExitPassed")
          .withArgs(channelId, exitAt, exitAt + offset);
        const before = await f.token.balanceOf(f.payer.address);
        await expect(f.channels.connect(f.payer).finishExit(channelId))
          .to.emit(f.channels, "ChannelClosed")
          .withArgs(channelId, f.payer.address, 10n * USD, deposit - 10n * USD);
        expect((await f.token.balanceOf(f.payer.address)) - before).to.equal(deposit - 10n * USD);
        expect(await f.token.balanceOf(await f.channels.getAddress())).to.equal(0n);
        await expect(f.channels.connect(f.payee).redeem(channelId, 30n * USD, signature))
          .to.be.revertedWithCustomError(f.channels, "CofferChannelsChannelClosed")
          .withArgs(channelId);
      });
    }

    it("finishing before the end says when it ends", async function () {
      const f = await loadChannels();
      const { channelId } = await openChannel(f);
      const exitAt = await startExit(f, channelId);
      await nextBlockAt(exitAt - 1n);
      await expect(f.channels.connect(f.payer).finishExit(channelId))
        .to.be.revertedWithCustomError(f.channels, "CofferChannelsExitNotDue")
        .withArgs(channelId, exitAt, exitAt - 1n);
    });
  });

  describe("closing by the payee", function () {
    it("redeems the last voucher and returns the rest to the payer at once", async function () {
      const f = await loadChannels();
      const { channelId, deposit } = await openChannel(f);
      await f.channels.connect(f.payee).setRedeemer(f.redeemer.address, true);
      const before = await f.token.balanceOf(f.payer.address);
      await expect(f.channels.connect(f.redeemer).close(channelId, 40n * USD, await voucher(f, channelId, 40n * USD)))
        .to.emit(f.channels, "ChannelClosed")
        .withArgs(channelId, f.redeemer.address, 40n * USD, deposit - 40n * USD);
      expect(await f.token.balanceOf(f.payee.address)).to.equal(40n * USD);
      expect((await f.token.balanceOf(f.payer.address)) - before).to.equal(deposit - 40n * USD);
      expect((await f.channels.getChannel(channelId)).status).to.equal(2n);
    });

    it("without a voucher, returns everything not yet redeemed; nobody else may close", async function () {
      const f = await loadChannels();
      const { channelId, deposit } = await openChannel(f);
      await f.channels.connect(f.payee).redeem(channelId, USD, await voucher(f, channelId, USD));
      for (const caller of [f.payer, f.stranger]) {
        await expect(f.channels.connect(caller).close(channelId, 0n, "0x"))
          .to.be.revertedWithCustomError(f.channels, "CofferChannelsUnauthorizedCaller")
          .withArgs(caller.address, f.payee.address);
      }
      const before = await f.token.balanceOf(f.payer.address);
      await f.channels.connect(f.payee).close(channelId, 999n, "0x");
      expect((await f.token.balanceOf(f.payer.address)) - before).to.equal(deposit - USD);
      await expect(f.channels.connect(f.payee).close(channelId, 0n, "0x"))
        .to.be.revertedWithCustomError(f.channels, "CofferChannelsChannelClosed")
        .withArgs(channelId);
    });

    it("a bad last voucher makes the close revert, leaving the channel open", async function () {
      const f = await loadChannels();
      const { channelId } = await openChannel(f);
      await expect(
        f.channels.connect(f.payee).close(channelId, USD, await voucher(f, channelId, USD, f.stranger)),
      ).to.be.revertedWithCustomError(f.channels, "CofferChannelsInvalidVoucherSignature");
      expect((await f.channels.getChannel(channelId)).status).to.equal(1n);
    });
  });

  describe("EIP-712", function () {
    it("the SDK's digest equals the contract's, under the domain eip712Domain() reports", async function () {
      const f = await loadChannels();
      const domain = await f.channels.eip712Domain();
      expect([domain.name, domain.version, domain.chainId, domain.verifyingContract]).to.deep.equal([
        "Coffer Channels",
        "1",
        BigInt(f.domain.chainId),
        f.domain.channels,
      ]);
      const channelId = ethers.id("c");
      for (const amount of [0n, 1n, 2n ** 96n - 1n, ethers.MaxUint256]) {
        expect(voucherDigest({ channelId, amount }, f.domain)).to.equal(
          await f.channels.voucherDigest(channelId, amount),
        );
      }
    });
  });

  it("no payer loses more than its signer signed, and no payee gets more than its latest voucher", async function () {
    const f = await loadChannels();
    const { channelId } = await openChannel(f, { token: ETH, deposit: 1000n });
    const payer0 = await balanceOf(ETH, await f.channels.getAddress());
    for (const amount of [100n, 250n, 600n]) {
      await f.channels.connect(f.payee).redeem(channelId, amount, await voucher(f, channelId, amount));
    }
    const payee = await hre.ethers.provider.getBalance(f.payee.address);
    const exitAt = await startExit(f, channelId);
    await nextBlockAt(exitAt);
    const before = await hre.ethers.provider.getBalance(f.payer.address);
    const receipt = await (await f.channels.connect(f.payer).finishExit(channelId)).wait();
    const after = await hre.ethers.provider.getBalance(f.payer.address);
    expect(after - before + receipt!.gasUsed * receipt!.gasPrice).to.equal(400n);
    expect(payee).to.be.greaterThan(0n);
    expect(payer0).to.equal(1000n);
    expect(await hre.ethers.provider.getBalance(await f.channels.getAddress())).to.equal(0n);
  });

  it("takes no ETH it was not given in a deposit (no receive function)", async function () {
    const f = await loadChannels();
    await expect(f.stranger.sendTransaction({ to: await f.channels.getAddress(), value: 1n })).to.be.reverted;
  });

  it("a day-long challenge period works like an hour's", async function () {
    const f = await loadChannels();
    const { channelId } = await openChannel(f, { challengePeriod: DAY });
    const exitAt = await startExit(f, channelId);
    const started = BigInt((await hre.ethers.provider.getBlock("latest"))!.timestamp);
    expect(exitAt - started).to.equal(DAY);
  });
});
