/** Day 1, 15:00: Dana returns the mugs of ORDER-2002; the shop refunds them from its own wallet. */
import * as escrow from "../../../sdk/src/escrow";
import type { ScenarioContext } from "./context";
import { usdc } from "./format";
import { orderOf } from "./payments";

export async function refundReturn(context: ScenarioContext): Promise<void> {
  const { tokens } = context;
  await context.clock(1, "15:00");
  const refundAmount = usdc("30");
  await context.mined(context.token(tokens.TestUSDC, "shop").approve(context.escrowAddress, refundAmount));
  await escrow.refund(await context.client("shop"), orderOf(context, "ORDER-2002"), refundAmount);
  context.step(
    `Dana returns the mugs: the shop refunds ${context.show(tokens.TestUSDC, refundAmount)} of ORDER-2002 from its own wallet`,
  );
}
