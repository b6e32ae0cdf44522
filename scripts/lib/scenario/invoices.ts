/** Day 1, 09:10–09:25: customers pay the shop's signed invoices. */
import { ethers } from "ethers";
import * as escrow from "../../../sdk/src/escrow";
import type { ScenarioContext } from "./context";
import { eth, label, ref, short, usdc } from "./format";
import { DAY, type ScenarioRole } from "./model";

/** The shop signs an invoice (payable by `payer` only, or by anyone) and `payer` pays it. */
async function payInvoice(
  context: ScenarioContext,
  reference: string,
  payer: ScenarioRole,
  tokenAddress: string,
  amount: bigint,
  restrictPayer: boolean,
  salt: bigint,
): Promise<void> {
  const { accounts, tokens } = context;
  const created = await escrow.createInvoice(await context.client("shop"), context.wallet("shop"), {
    token: tokenAddress,
    amount,
    expiry: BigInt(context.at(1, "00:00") + 14 * DAY),
    reference: ref(reference),
    payer: restrictPayer ? accounts[payer] : ethers.ZeroAddress,
    salt,
  });
  if (tokenAddress !== tokens.ETH) {
    await context.mined(context.token(tokenAddress, payer).approve(context.escrowAddress, amount));
  }
  await escrow.payInvoice(await context.client(payer), created.invoice, created.signature);
  context.records.invoices[reference] = {
    id: created.invoiceId,
    referenceId: created.invoice.referenceId,
    payee: created.invoice.payee,
    payer: accounts[payer],
    token: tokenAddress,
    amount: amount.toString(),
  };
  context.step(
    `${label(payer)} pays invoice ${reference} of ${context.show(tokenAddress, amount)} to the shop (${short(created.invoiceId)})`,
  );
}

export async function payInvoices(context: ScenarioContext): Promise<void> {
  const { tokens } = context;
  await context.clock(1, "09:10");
  await payInvoice(context, "INV-1001", "customerDana", tokens.TestUSDC, usdc("120"), true, 1001n);
  await context.clock(1, "09:25");
  await payInvoice(context, "INV-1002", "customerFay", tokens.ETH, eth("0.05"), false, 1002n);
}
