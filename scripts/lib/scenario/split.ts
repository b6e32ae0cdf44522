/** The revenue split: created on day 1 at 08:40, paid out on day 2 at 12:00. */
import * as splits from "../../../sdk/src/splits";
import type { ScenarioContext } from "./context";

/** The shop's revenue split as created. */
export interface RevenueSplit {
  readonly address: string;
  readonly config: splits.SplitConfig;
  /** Its recipients as the result lists them. */
  readonly shares: { account: string; allocation: number }[];
}

/** The shop creates a split controlled by the treasury Safe: 85% to the Safe, 15% to the roasting partner. */
export async function createRevenueSplit(context: ScenarioContext): Promise<RevenueSplit> {
  const { accounts, safeAddress } = context;
  await context.clock(1, "08:40");
  const splitConfig = splits.splitConfig([
    { account: safeAddress, allocation: 850_000n },
    { account: accounts.partner, allocation: 150_000n },
  ]);
  const shares = splits
    .recipientsOf(splitConfig)
    .map((recipient) => ({ account: recipient.account, allocation: Number(recipient.allocation) }));
  const { split: splitAddress } = await splits.createSplit(await context.client("shop"), splitConfig, safeAddress);
  context.step(
    `The shop creates its revenue split ${splitAddress}: 85% to the treasury Safe, 15% to the roasting partner`,
  );
  return { address: splitAddress, config: splitConfig, shares };
}

/** The keeper distributes every token the split holds. */
export async function distributeRevenue(context: ScenarioContext, revenue: RevenueSplit): Promise<void> {
  const { accounts, safeAddress, tokens, show } = context;
  const keeper = await context.client("keeper");
  await context.clock(2, "12:00");
  const split = splits.splitAt(keeper, revenue.address);
  for (const tokenAddress of [tokens.TestUSDC, tokens.TestDAI, tokens.ETH]) {
    if ((await split.distributable(tokenAddress)) === 0n) continue;
    const outcome = await splits.distribute(keeper, revenue.address, revenue.config, tokenAddress);
    const shareOf = (account: string): bigint =>
      outcome.shares.find((share) => share.account === account)?.amount ?? 0n;
    context.step(
      `The keeper distributes the split's ${show(tokenAddress, outcome.amount)}: ` +
        `${show(tokenAddress, shareOf(safeAddress))} to the treasury Safe, ` +
        `${show(tokenAddress, shareOf(accounts.partner))} to the roasting partner`,
    );
  }
}
