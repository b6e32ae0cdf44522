/** Day 1, 14:00 and 16:00: Fay disputes her damaged tasting box; the arbiter splits it 40/20. */
import * as escrow from "../../../sdk/src/escrow";
import type { ScenarioContext } from "./context";
import { usdc } from "./format";
import { orderOf } from "./payments";

/** 14:00: Fay disputes ORDER-2003, which freezes it. */
export async function openDispute(context: ScenarioContext): Promise<void> {
  await context.clock(1, "14:00");
  await escrow.dispute(await context.client("customerFay"), orderOf(context, "ORDER-2003"));
  context.step(
    `Fay's tasting box arrives damaged: she disputes ORDER-2003, freezing ${context.show(context.tokens.TestUSDC, usdc("60"))}`,
  );
}

/** 16:00: the arbiter gives Fay 40 back; the split keeps 20. */
export async function resolveDispute(context: ScenarioContext): Promise<void> {
  const { tokens, show } = context;
  await context.clock(1, "16:00");
  await escrow.resolve(await context.client("arbiter"), orderOf(context, "ORDER-2003"), usdc("40"));
  context.step(
    `The arbiter resolves ORDER-2003: ${show(tokens.TestUSDC, usdc("40"))} back to Fay, ${show(tokens.TestUSDC, usdc("20"))} to the split`,
  );
}
