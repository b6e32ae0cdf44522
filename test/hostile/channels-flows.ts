import { time } from "@nomicfoundation/hardhat-network-helpers";
import { expect } from "chai";
import { ethers } from "ethers";
import { loadChannels, voucher, type ChannelsFixture } from "../channels/fixture";
import {
  balanceIn,
  deployEntry,
  expectReceived,
  fundAll,
  runStep,
  type Deployed,
  type Ledger,
  type ShelfEntry,
} from "./shelf";

/**
 * The channel contract's fund-moving entry points, run with one shelf token: open, top up, redeem (alone and in a
 * batch), close by the payee, the payer's exit, and the withdrawal of credits. Solvency: the contract's balance
 * always covers the open channel's `deposit - redeemed` plus every credit.
 */

export interface ChannelRun extends Ledger {
  f: ChannelsFixture;
  channelId: string;
}

export async function startChannelRun(entry: ShelfEntry): Promise<ChannelRun> {
  const f = await loadChannels();
  const d: Deployed = await deployEntry(entry);
  const address = await f.channels.getAddress();
  await fundAll(d, address, [f.payer], 1_000n * d.unit);
  const channelId = await f.channels.channelIdOf(f.payer.address, f.payee.address, d.address, ethers.ZeroHash);
  const parties = [f.payer.address, f.payee.address, f.redeemer.address, f.stranger.address];
  const run: ChannelRun = {
    f,
    d,
    channelId,
    module: f.channels,
    prefix: "CofferChannels",
    turned: false,
    parties,
    credit: (account) => f.channels.creditOf(account, d.address),
    solvent: async (label) => {
      const channel = await f.channels.getChannel(channelId);
      let owed = channel.status === 1n ? channel.deposit - channel.redeemed : 0n;
      for (const party of parties) owed += await f.channels.creditOf(party, d.address);
      const held = await balanceIn(d, address);
      expect(held >= owed, `${label}: the contract holds ${held} but owes ${owed}`).to.equal(true);
    },
  };
  return run;
}

async function turn(run: ChannelRun): Promise<void> {
  if (run.d.entry.turn === undefined) return;
  await run.d.entry.turn(run.d.token, { victim: run.f.payee.address });
  run.turned = true;
}

/** The payer opens the channel with 100 units; false when the token is refused (its flow ends there). */
async function open(run: ChannelRun): Promise<boolean> {
  const c = run.f.channels.connect(run.f.payer);
  const args = [
    run.f.payee.address,
    run.d.address,
    run.f.sessionKey.address,
    100n * run.d.unit,
    3_600n,
    ethers.ZeroHash,
  ] as const;
  return runStep(run, "open with 100 units", (s) => (s ? c.open.staticCall(...args) : c.open(...args)), [
    [run.f.payer.address, -100n * run.d.unit],
  ]);
}

/** The payee redeems a voucher for `amount` in total (alone, or through `redeemMany`). */
async function redeem(run: ChannelRun, amount: bigint, many = false): Promise<boolean> {
  const c = run.f.channels.connect(run.f.payee);
  const before = (await run.f.channels.getChannel(run.channelId)).redeemed;
  const signature = await voucher(run.f, run.channelId, amount);
  const label = `${many ? "redeemMany" : "redeem"} a voucher for ${amount}`;
  const call = many
    ? (s: boolean) => {
        const items = [{ channelId: run.channelId, amount, signature }];
        return s ? c.redeemMany.staticCall(items) : c.redeemMany(items);
      }
    : (s: boolean) =>
        s ? c.redeem.staticCall(run.channelId, amount, signature) : c.redeem(run.channelId, amount, signature);
  const worked = await runStep(run, label, call, [[run.f.payee.address, amount - before]]);
  if (many && worked) {
    // A batch never reverts for one voucher: it was redeemed unless the token refused outright.
    const after = (await run.f.channels.getChannel(run.channelId)).redeemed;
    expect([before, amount]).to.include(after);
  }
  return worked;
}

/** Undoes the turn, then every party withdraws its credit, exactly. */
async function drain(run: ChannelRun): Promise<void> {
  await run.d.entry.restore?.(run.d.token, { victim: run.f.payee.address });
  if (run.d.entry.restore !== undefined) run.turned = false;
  for (const signer of [run.f.payer, run.f.payee]) {
    const credit = await run.f.channels.creditOf(signer.address, run.d.address);
    if (credit === 0n) continue;
    const to = ethers.Wallet.createRandom().address;
    await run.f.channels.connect(signer).withdraw(run.d.address, to);
    const label = `withdraw the ${credit} credited to ${signer.address.slice(0, 8)}`;
    expectReceived(label, run.d, await balanceIn(run.d, to), 0n, credit, run.turned);
    expect(await run.f.channels.creditOf(signer.address, run.d.address)).to.equal(0n);
    await run.solvent(label);
  }
}

/** What the payer gets back when the channel closes. */
async function refundDue(run: ChannelRun): Promise<bigint> {
  const channel = await run.f.channels.getChannel(run.channelId);
  return channel.deposit - channel.redeemed;
}

/** The channel flows: name → what runs. */
export const CHANNEL_FLOWS: Record<string, (entry: ShelfEntry) => Promise<void>> = {
  /** Open, redeem, turn, top up, redeem again (alone and in a batch), then the payer's exit. */
  "redeem and exit": async (entry) => {
    const run = await startChannelRun(entry);
    if (!(await open(run))) return;
    await redeem(run, 10n * run.d.unit);
    await turn(run);
    const c = run.f.channels.connect(run.f.payer);
    await runStep(
      run,
      "top up 50 units",
      (s) => (s ? c.topUp.staticCall(run.channelId, 50n * run.d.unit) : c.topUp(run.channelId, 50n * run.d.unit)),
      [[run.f.payer.address, -50n * run.d.unit]],
    );
    await redeem(run, 25n * run.d.unit);
    await redeem(run, 40n * run.d.unit, true);
    await c.startExit(run.channelId);
    // Mined at the end of the challenge period, so that the simulation below already sees it.
    await time.increaseTo((await run.f.channels.getChannel(run.channelId)).exitAt);
    const refund = await refundDue(run);
    await runStep(
      run,
      `finish the exit (${refund} back)`,
      (s) => (s ? c.finishExit.staticCall(run.channelId) : c.finishExit(run.channelId)),
      [[run.f.payer.address, refund]],
    );
    await drain(run);
  },
  /** Open, turn, then the payee closes with a last voucher: the payee is paid, the payer refunded. */
  "close by the payee": async (entry) => {
    const run = await startChannelRun(entry);
    if (!(await open(run))) return;
    await redeem(run, 5n * run.d.unit);
    await turn(run);
    const c = run.f.channels.connect(run.f.payee);
    const amount = 30n * run.d.unit;
    const signature = await voucher(run.f, run.channelId, amount);
    const redeemed = (await run.f.channels.getChannel(run.channelId)).redeemed;
    const refund = 100n * run.d.unit - amount;
    await runStep(
      run,
      "close with a voucher for 30",
      (s) => (s ? c.close.staticCall(run.channelId, amount, signature) : c.close(run.channelId, amount, signature)),
      [
        [run.f.payee.address, amount - redeemed],
        [run.f.payer.address, refund],
      ],
    );
    await drain(run);
  },
};
