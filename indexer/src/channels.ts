/**
 * Payment channels (`CofferChannels`): channels and their steps, deposits, redemptions, exits and closes, credits
 * and withdrawals.
 *
 * A payout the contract cannot push (a reverting receiver, a blocklisted account) is credited instead, and its
 * `PayoutCredited` log comes just before the `VoucherRedeemed` or `ChannelClosed` of the same payout. That
 * movement is then from the contract to nobody (the credit, which moves when withdrawn): the handlers below write
 * no `moved()` for it, so an ETH payout credited is not shown as paid (a token one has no `Transfer` anyway).
 */
import { ponder, type Context } from "ponder:registry";
import { channel, channelStep } from "ponder:schema";
import { toFunctionSelector } from "viem";
import { CofferChannelsAbi } from "../abis";
import { addCredit, lc, logId, moved, named, record, recordWithdrawal, type EventMeta, type Hex } from "./ledger";
import { notify } from "./notifications";
import type { ChannelStatus } from "./statuses";
import { seeToken } from "./tokens";

/** `CofferChannelsVoucherNotNewer` → `voucher_not_newer`: the reason of a skipped redemption as served. */
function snakeReason(name: string): string {
  return name
    .replace(/^CofferChannels/, "")
    .replace(/([a-z0-9])([A-Z])/g, "$1_$2")
    .toLowerCase();
}

/** The contract's errors by selector, for the `reason` of `RedemptionSkipped`. */
const REASONS = new Map<string, string>(
  CofferChannelsAbi.filter((item) => item.type === "error").map((item) => [
    toFunctionSelector(`${item.name}(${item.inputs.map((input) => input.type).join(",")})`),
    snakeReason(item.name),
  ]),
);

/** The last `PayoutCredited` seen per chain: the payout of the next log, if it is the same transaction's. */
const lastCredited = new Map<number, { key: string; logIndex: number; account: Hex; token: Hex; amount: bigint }>();

const transactionKey = (event: EventMeta) => `${event.block.hash}:${event.transaction.hash}`;

/** Whether the payout of `event` (`amount` of `token` to `to`) was credited by the log just before it. */
function wasCredited(context: Context, event: EventMeta, to: Hex, token: Hex, amount: bigint): boolean {
  const last = lastCredited.get(context.chain.id);
  return (
    last !== undefined &&
    last.key === transactionKey(event) &&
    last.logIndex === event.log.logIndex - 1 &&
    last.account === to &&
    last.token === token &&
    last.amount === amount
  );
}

async function getChannel(context: Context, id: Hex) {
  const row = await context.db.find(channel, { chainId: context.chain.id, id });
  if (row === null) throw new Error(`Channel ${id} on chain ${context.chain.id} was never opened`);
  return row;
}

async function addStep(
  context: Context,
  event: EventMeta,
  channelId: Hex,
  kind: string,
  fields: {
    amount?: bigint;
    cumulative?: bigint;
    credited?: boolean;
    reason?: Hex;
    reasonName?: string;
    exitAt?: bigint;
    actor?: Hex;
  } = {},
) {
  await context.db.insert(channelStep).values({
    chainId: context.chain.id,
    id: logId(event),
    channelId,
    kind,
    amount: fields.amount ?? 0n,
    cumulative: fields.cumulative ?? null,
    credited: fields.credited ?? false,
    reason: fields.reason ?? null,
    reasonName: fields.reasonName ?? null,
    exitAt: fields.exitAt ?? null,
    actor: fields.actor ?? null,
    transactionHash: event.transaction.hash,
    blockNumber: event.block.number,
    timestamp: event.block.timestamp,
  });
}

/** The fields every channel notification carries: the channel and its parties (`payee` and `merchant` filter). */
function parties(c: { id: Hex; payer: Hex; payee: Hex; token: Hex }) {
  return { channelId: c.id, payer: c.payer, payee: c.payee, merchant: c.payee, token: c.token };
}

ponder.on("CofferChannels:ChannelOpened", async ({ event, context }) => {
  const { channelId, deposit, challengePeriod, salt } = event.args;
  const payer = lc(event.args.payer);
  const payee = lc(event.args.payee);
  const token = lc(event.args.token);
  const signer = lc(event.args.signer);
  await context.db.insert(channel).values({
    chainId: context.chain.id,
    id: channelId,
    payer,
    payee,
    token,
    signer,
    salt,
    deposit,
    redeemed: 0n,
    refunded: 0n,
    challengePeriod,
    status: "open",
    exitAt: null,
    redemptions: 0,
    openedAt: event.block.timestamp,
    openedBlock: event.block.number,
    closedAt: null,
    closedBy: null,
    updatedAt: event.block.timestamp,
    updatedBlock: event.block.number,
  });
  await addStep(context, event, channelId, "opened", { amount: deposit, cumulative: deposit });
  await seeToken(context, event, token);
  await notify(context, event, "channel.opened", {
    ...parties({ id: channelId, payer, payee, token }),
    signer,
    amount: deposit,
    deposit,
    challengePeriod,
  });
  const contract = lc(event.log.address);
  const covered = await moved(context, event, "channel_deposit", {
    token,
    from: payer,
    to: contract,
    value: deposit,
    reference: channelId,
    fromRole: "payer",
    toRole: "contract",
  });
  // The payee's row says that the channel pays it; no money moved to it yet (amount 0).
  await named(
    context,
    event,
    "channel_opened",
    { token, reference: channelId, counterparty: payer },
    [{ account: payee, role: "payee" }],
    covered,
  );
});

ponder.on("CofferChannels:ChannelToppedUp", async ({ event, context }) => {
  const { channelId, amount, deposit } = event.args;
  const c = await getChannel(context, channelId);
  await context.db
    .update(channel, { chainId: context.chain.id, id: channelId })
    .set({ deposit, updatedAt: event.block.timestamp, updatedBlock: event.block.number });
  await addStep(context, event, channelId, "topped_up", { amount, cumulative: deposit });
  await notify(context, event, "channel.topped_up", { ...parties(c), amount, deposit });
  const covered = await moved(context, event, "channel_deposit", {
    token: c.token,
    from: c.payer,
    to: lc(event.log.address),
    value: amount,
    reference: channelId,
    fromRole: "payer",
    toRole: "contract",
  });
  await named(
    context,
    event,
    "channel_topped_up",
    { token: c.token, reference: channelId, counterparty: c.payer },
    [{ account: c.payee, role: "payee" }],
    covered,
  );
});

ponder.on("CofferChannels:VoucherRedeemed", async ({ event, context }) => {
  const { channelId, amount, redeemed } = event.args;
  const c = await getChannel(context, channelId);
  const credited = wasCredited(context, event, c.payee, c.token, amount);
  await context.db.update(channel, { chainId: context.chain.id, id: channelId }).set({
    redeemed,
    redemptions: c.redemptions + 1,
    updatedAt: event.block.timestamp,
    updatedBlock: event.block.number,
  });
  await addStep(context, event, channelId, "redeemed", { amount, cumulative: redeemed, credited });
  await notify(context, event, "channel.redeemed", { ...parties(c), amount, redeemed, credited });
  const covered = credited
    ? []
    : await moved(context, event, "channel_redeemed", {
        token: c.token,
        from: lc(event.log.address),
        to: c.payee,
        value: amount,
        reference: channelId,
        fromRole: "contract",
        toRole: "payee",
      });
  // The payer sees its deposit claimed; a payee credited instead of paid sees the redemption too.
  await named(
    context,
    event,
    "channel_redeemed",
    { token: c.token, reference: channelId },
    [
      { account: c.payee, role: "payee", counterparty: c.payer },
      { account: c.payer, role: "payer", counterparty: c.payee },
    ],
    covered,
  );
});

ponder.on("CofferChannels:RedemptionSkipped", async ({ event, context }) => {
  const { channelId, reason } = event.args;
  const reasonName = REASONS.get(reason) ?? "unknown";
  await addStep(context, event, channelId, "redemption_skipped", { reason, reasonName });
  // A voucher of a channel that was never opened has nobody to tell.
  const c = await context.db.find(channel, { chainId: context.chain.id, id: channelId });
  if (c === null) return;
  await record(context, event, "channel_redemption_skipped", [
    { account: c.payee, amount: 0n, token: c.token, counterparty: c.payer, reference: channelId, role: "payee" },
  ]);
});

ponder.on("CofferChannels:ExitStarted", async ({ event, context }) => {
  const { channelId } = event.args;
  const exitAt = BigInt(event.args.exitAt);
  const c = await getChannel(context, channelId);
  await context.db
    .update(channel, { chainId: context.chain.id, id: channelId })
    .set({ status: "exiting", exitAt, updatedAt: event.block.timestamp, updatedBlock: event.block.number });
  await addStep(context, event, channelId, "exit_started", { exitAt });
  await notify(context, event, "channel.exit_started", { ...parties(c), exitAt: Number(exitAt) });
  await record(context, event, "channel_exit_started", [
    { account: c.payer, amount: 0n, token: c.token, counterparty: c.payee, reference: channelId, role: "payer" },
    { account: c.payee, amount: 0n, token: c.token, counterparty: c.payer, reference: channelId, role: "payee" },
  ]);
});

ponder.on("CofferChannels:ChannelClosed", async ({ event, context }) => {
  const { channelId, redeemed, refunded } = event.args;
  const by = lc(event.args.by);
  const c = await getChannel(context, channelId);
  const credited = refunded > 0n && wasCredited(context, event, c.payer, c.token, refunded);
  const status: ChannelStatus = "closed";
  await context.db.update(channel, { chainId: context.chain.id, id: channelId }).set({
    status,
    redeemed,
    refunded,
    closedAt: event.block.timestamp,
    closedBy: by,
    updatedAt: event.block.timestamp,
    updatedBlock: event.block.number,
  });
  await addStep(context, event, channelId, "closed", { amount: refunded, cumulative: redeemed, credited, actor: by });
  await notify(context, event, "channel.closed", { ...parties(c), redeemed, refunded, closedBy: by, credited });
  const contract = lc(event.log.address);
  const covered = credited
    ? []
    : await moved(context, event, "channel_refund", {
        token: c.token,
        from: contract,
        to: c.payer,
        value: refunded,
        reference: channelId,
        fromRole: "contract",
        toRole: "payer",
      });
  // Both parties see the close, whatever moved, and so does a redeemer that closed it for the payee.
  await named(
    context,
    event,
    "channel_closed",
    { token: c.token, reference: channelId },
    [
      { account: c.payer, role: "payer", counterparty: c.payee },
      { account: c.payee, role: "payee", counterparty: c.payer },
      { account: by, role: "redeemer", counterparty: c.payee },
    ],
    covered,
  );
});

ponder.on("CofferChannels:PayoutCredited", async ({ event, context }) => {
  const holder = lc(event.args.account);
  const token = lc(event.args.token);
  const { amount } = event.args;
  lastCredited.set(context.chain.id, {
    key: transactionKey(event),
    logIndex: event.log.logIndex,
    account: holder,
    token,
    amount,
  });
  await addCredit(context, lc(event.log.address), "channels", holder, token, amount);
  // Credited, not paid: the money stays in the contract (the `credit` table), and moves when withdrawn.
  await record(context, event, "payout_credited", [{ account: holder, amount: 0n, token, role: "holder" }]);
});

ponder.on("CofferChannels:CreditWithdrawn", async ({ event, context }) => {
  const { account: holder, token, to, amount } = event.args;
  await recordWithdrawal(context, event, "channels", lc(holder), lc(token), lc(to), amount);
});
