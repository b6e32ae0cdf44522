/** Day 1, 11:30: a counter sale, charged at once (no escrow hold). */
import * as escrow from "../../../sdk/src/escrow";
import type { ScenarioContext } from "./context";
import { dai } from "./format";
import { paymentOf, recordPayment } from "./payments";

export async function sellAtCounter(context: ScenarioContext, splitAddress: string): Promise<void> {
  const { tokens } = context;
  await context.clock(1, "11:30");
  const counterAmount = dai("18");
  const counter = paymentOf(
    context,
    splitAddress,
    "POS-3001",
    "customerEli",
    tokens.TestDAI,
    counterAmount,
    context.at(1, "11:30"),
    3001n,
  );
  await context.mined(context.token(tokens.TestDAI, "customerEli").approve(context.escrowAddress, counterAmount));
  const counterSale = await escrow.charge(await context.client("customerEli"), counter, counterAmount, 100);
  recordPayment(context, "POS-3001", counter, counterSale.paymentId, "charged at the counter");
  context.step(
    `Eli buys a bag of beans at the counter: ${context.show(tokens.TestDAI, counterAmount)} charged at once, 1% fee (POS-3001)`,
  );
}
