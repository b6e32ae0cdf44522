/** Splits (`CofferSplitFactory` and each `CofferSplit`): splits, recipients, distributions and shares, credits. */
import { ponder, type Context } from "ponder:registry";
import { distribution, distributionShare, split, splitRecipient } from "ponder:schema";
import { ZERO, lc, logId, moved, named, record, addCredit, recordWithdrawal, type Hex } from "./ledger";
import { notify } from "./notifications";
import { seeToken } from "./tokens";

const ALLOCATION_TOTAL = 1_000_000n;

interface SplitConfig {
  readonly recipients: readonly bigint[];
  readonly distributionIncentive: number;
  readonly pullOnly: boolean;
}

/** `allocation << 160 | recipient` words → recipients and allocations. */
function decodeRecipients(config: SplitConfig): { recipient: Hex; allocation: bigint }[] {
  return config.recipients.map((word) => ({
    recipient: lc(`0x${(word & ((1n << 160n) - 1n)).toString(16).padStart(40, "0")}`),
    allocation: word >> 160n,
  }));
}

/**
 * Replaces the `split_recipient` rows of a split: `old` are the recipients it had (from its `split` row; none at
 * creation). Keyed deletes and inserts only: a raw SQL select would flush Ponder's cache on every event.
 */
async function writeRecipients(context: Context, splitAddress: Hex, config: SplitConfig, old: readonly Hex[] = []) {
  const recipients = decodeRecipients(config);
  for (const recipient of old) {
    if (recipients.some((entry) => entry.recipient === recipient)) continue;
    await context.db.delete(splitRecipient, { chainId: context.chain.id, split: splitAddress, recipient });
  }
  for (const { recipient, allocation } of recipients) {
    await context.db
      .insert(splitRecipient)
      .values({ chainId: context.chain.id, split: splitAddress, recipient, allocation: Number(allocation) })
      .onConflictDoUpdate({ allocation: Number(allocation) });
  }
  return recipients.map(({ recipient, allocation }): [Hex, number] => [recipient, Number(allocation)]);
}

ponder.on("CofferSplitFactory:SplitCreated", async ({ event, context }) => {
  const splitAddress = lc(event.args.split);
  const controller = lc(event.args.controller);
  const { config, configHash } = event.args;
  await context.db.insert(split).values({
    chainId: context.chain.id,
    address: splitAddress,
    controller,
    pendingController: ZERO,
    configHash,
    distributionIncentive: config.distributionIncentive,
    pullOnly: config.pullOnly,
    recipients: decodeRecipients(config).map(({ recipient, allocation }): [Hex, number] => [
      recipient,
      Number(allocation),
    ]),
    lastDistributionId: null,
    createdAt: event.block.timestamp,
    createdBlock: event.block.number,
  });
  await writeRecipients(context, splitAddress, config);
  const rows = await record(
    context,
    event,
    "split_member",
    decodeRecipients(config).map(({ recipient }) => ({
      account: recipient,
      amount: 0n,
      counterparty: splitAddress,
      reference: splitAddress,
      role: "recipient" as const,
    })),
  );
  // The split (its account row too) and its controller (none for an immutable split) see its creation.
  await named(
    context,
    event,
    "split_member",
    { reference: splitAddress, counterparty: splitAddress },
    [
      { account: splitAddress, role: "split", counterparty: controller },
      { account: controller, role: "controller" },
    ],
    rows,
  );
});

ponder.on("CofferSplit:SplitUpdated", async ({ event, context }) => {
  const splitAddress = lc(event.log.address);
  const { config, configHash } = event.args;
  const key = { chainId: context.chain.id, address: splitAddress };
  const s = await context.db.find(split, key);
  if (s === null) throw new Error(`Split ${splitAddress} on chain ${context.chain.id} was never created`);
  const recipients = await writeRecipients(
    context,
    splitAddress,
    config,
    s.recipients.map(([recipient]) => recipient),
  );
  await context.db.update(split, key).set({
    configHash,
    distributionIncentive: config.distributionIncentive,
    pullOnly: config.pullOnly,
    recipients,
  });
});

ponder.on("CofferSplit:ControlTransferStarted", async ({ event, context }) => {
  await context.db
    .update(split, { chainId: context.chain.id, address: lc(event.log.address) })
    .set({ pendingController: lc(event.args.pendingController) });
});

ponder.on("CofferSplit:ControlTransferred", async ({ event, context }) => {
  await context.db
    .update(split, { chainId: context.chain.id, address: lc(event.log.address) })
    .set({ controller: lc(event.args.newController), pendingController: ZERO });
});

ponder.on("CofferSplit:Distributed", async ({ event, context }) => {
  const splitAddress = lc(event.log.address);
  const token = lc(event.args.token);
  const distributor = lc(event.args.distributor);
  const { amount, incentive } = event.args;
  const id = logId(event);
  const s = await context.db.find(split, { chainId: context.chain.id, address: splitAddress });
  if (s === null) throw new Error(`Split ${splitAddress} on chain ${context.chain.id} was never created`);
  await context.db.insert(distribution).values({
    chainId: context.chain.id,
    id,
    split: splitAddress,
    token,
    distributor,
    amount,
    incentive,
    transactionHash: event.transaction.hash,
    blockNumber: event.block.number,
    timestamp: event.block.timestamp,
  });
  await context.db.update(split, { chainId: context.chain.id, address: splitAddress }).set({ lastDistributionId: id });
  const rows: { account: Hex; amount: bigint; token: Hex; counterparty: Hex; reference: string }[] = [];
  for (const [recipient, allocation] of s.recipients) {
    const share = (amount * BigInt(allocation)) / ALLOCATION_TOTAL;
    await context.db.insert(distributionShare).values({
      chainId: context.chain.id,
      id: `${id}-${recipient}`,
      distributionId: id,
      split: splitAddress,
      recipient,
      token,
      amount: share,
      credited: s.pullOnly,
    });
    if (s.pullOnly) await addCredit(context, splitAddress, "split", recipient, token, share);
    rows.push({ account: recipient, amount: share, token, counterparty: splitAddress, reference: splitAddress });
  }
  if (incentive !== 0n) {
    rows.push({ account: distributor, amount: incentive, token, counterparty: splitAddress, reference: splitAddress });
  }
  await seeToken(context, event, token);
  await notify(context, event, "split.distributed", {
    split: splitAddress,
    token,
    amount,
    incentive,
    distributor,
    pullOnly: s.pullOnly,
    shares: rows.map((row) => ({ account: row.account, amount: row.amount })),
  });
  // Push mode pays each share (a share whose push fails is credited: its `PayoutCredited` follows, and no
  // transfer); pull-only mode credits every share, which stays in the split until withdrawn (amount 0 here).
  // The incentive is paid in both modes.
  let n = 0;
  const covered: Hex[] = [];
  for (const row of rows) {
    const incentiveRow = n === rows.length - 1 && incentive !== 0n;
    if (s.pullOnly && !incentiveRow) {
      const credited = { ...row, amount: 0n, role: "recipient" as const };
      covered.push(...(await record(context, event, "split_share_credited", [credited], splitAddress, 2 * n + 1)));
    } else {
      const movement = {
        token,
        from: splitAddress,
        to: row.account,
        value: row.amount,
        reference: splitAddress,
        fromRole: "split" as const,
        toRole: incentiveRow ? ("distributor" as const) : ("recipient" as const),
      };
      covered.push(...(await moved(context, event, incentiveRow ? "split_incentive" : "split_share", movement, n)));
    }
    n += 1;
  }
  // A distributor with no incentive, and a pull-only split (whose shares stay in it), see the distribution too.
  await named(
    context,
    event,
    "split_distributed",
    { token, reference: splitAddress, counterparty: splitAddress },
    [
      { account: splitAddress, role: "split", counterparty: distributor },
      { account: distributor, role: "distributor" },
      // A recipient whose share rounds down to nothing.
      ...s.recipients.map(([recipient]) => ({ account: recipient, role: "recipient" as const })),
    ],
    covered,
    splitAddress,
  );
});

ponder.on("CofferSplit:PayoutCredited", async ({ event, context }) => {
  const splitAddress = lc(event.log.address);
  const holder = lc(event.args.account);
  const token = lc(event.args.token);
  const { amount } = event.args;
  const s = await context.db.find(split, { chainId: context.chain.id, address: splitAddress });
  if (s?.lastDistributionId) {
    const shareKey = { chainId: context.chain.id, id: `${s.lastDistributionId}-${holder}` };
    const share = await context.db.find(distributionShare, shareKey);
    if (share !== null && !share.credited && share.token === token && share.amount === amount) {
      await context.db.update(distributionShare, shareKey).set({ credited: true });
    }
  }
  await addCredit(context, splitAddress, "split", holder, token, amount);
  await notify(context, event, "split.credited", { split: splitAddress, account: holder, token, amount });
  // Credited, not paid: the share stays in the split (the `credit` table), and moves when withdrawn.
  await record(context, event, "payout_credited", [
    { account: holder, amount: 0n, token, counterparty: splitAddress, role: "holder" },
  ]);
});

ponder.on("CofferSplit:Withdrawn", async ({ event, context }) => {
  const { account: holder, token, to, amount } = event.args;
  await recordWithdrawal(context, event, "split", lc(holder), lc(token), lc(to), amount);
});
