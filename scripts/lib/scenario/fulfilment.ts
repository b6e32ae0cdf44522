/** Day 1, 12:00–12:30: the shop ships three orders and captures them, and voids the one it cannot fill. */
import * as escrow from "../../../sdk/src/escrow";
import type { ScenarioContext } from "./context";
import { eth } from "./format";
import { orderOf } from "./payments";

export async function fulfilOrders(context: ScenarioContext): Promise<void> {
  const { show } = context;
  const shop = await context.client("shop");
  for (const [hhmm, reference] of [
    ["12:00", "ORDER-2001"],
    ["12:05", "ORDER-2002"],
    ["12:10", "ORDER-2005"],
  ] as const) {
    await context.clock(1, hhmm);
    const payment = orderOf(context, reference);
    await escrow.capture(shop, payment, payment.maxAmount, 100);
    const fee = (payment.maxAmount * 100n) / 10_000n;
    context.step(
      `The shop ships ${reference} and captures ${show(payment.token, payment.maxAmount)}: ` +
        `${show(payment.token, payment.maxAmount - fee)} to the split, ${show(payment.token, fee)} to the processor`,
    );
  }

  await context.clock(1, "12:30");
  await escrow.voidPayment(shop, orderOf(context, "ORDER-2004"));
  context.step(
    `The kettle is out of stock: the shop voids ORDER-2004 and ${show(context.tokens.ETH, eth("0.25"))} returns to Eli`,
  );
}
