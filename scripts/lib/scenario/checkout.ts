/** One escrowed order at the shop's online checkout. */
import * as escrow from "../../../sdk/src/escrow";
import type { ScenarioContext } from "./context";
import { label, short } from "./format";
import type { ScenarioRole } from "./model";
import { paymentOf, recordPayment } from "./payments";

/** An order: when, who, what (for the log) and what happens to it later in the story (for the result). */
export interface Order {
  readonly hhmm: string;
  readonly reference: string;
  readonly payer: ScenarioRole;
  readonly token: keyof ScenarioContext["tokens"];
  readonly amount: bigint;
  readonly salt: bigint;
  readonly what: string;
  readonly story: string;
  /** Relayed checkout: the customer signs an AuthorizePayment approval and the shop (the operator) sends it. */
  readonly relayed?: boolean;
}

/** At the order's time on day 1, the customer's payment to the split is authorized: held in escrow. */
export async function checkout(context: ScenarioContext, splitAddress: string, order: Order): Promise<void> {
  const { hhmm, reference, payer, amount, salt, what, story, relayed = false } = order;
  const { tokens } = context;
  const tokenAddress = tokens[order.token];
  const shop = await context.client("shop");
  await context.clock(1, hhmm);
  const payment = paymentOf(context, splitAddress, reference, payer, tokenAddress, amount, context.at(1, hhmm), salt);
  if (tokenAddress !== tokens.ETH) {
    await context.mined(context.token(tokenAddress, payer).approve(context.escrowAddress, amount));
  }
  const { paymentId } = relayed
    ? await escrow.authorize(shop, payment, amount, {
        payerSignature: await escrow.signPaymentApproval(
          context.wallet(payer),
          payment,
          await escrow.domainOf(shop),
          "authorize",
        ),
      })
    : await escrow.authorize(await context.client(payer), payment, amount);
  recordPayment(context, reference, payment, paymentId, story);
  context.step(
    `${label(payer)} orders ${what}: ${context.show(tokenAddress, amount)} held in escrow (${reference}, ${short(paymentId)})` +
      (relayed ? `, signed by ${label(payer)} and sent by the shop` : ""),
  );
}
