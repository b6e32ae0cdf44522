import { escrow } from "@coffer/sdk";
import type { Command } from "commander";
import {
  formatAmount,
  print,
  rows,
  sendCommand,
  tokenInfo,
  txJson,
  txLine,
  withSession,
  type ChainOptions,
} from "../../common";
import { UsageError, type CliIo } from "../../io";
import { PAYMENT_FORMAT, readPayment, stateOf } from "./shared";

/** `coffer escrow relay <payment>`: the operator submits what the payer signed with `coffer escrow sign`. */
export function addRelayCommand(group: Command, io: CliIo): void {
  sendCommand(group, "relay", "submit a payment the payer signed with coffer escrow sign (you are its operator)")
    .argument("<payment>", `the payment file (${PAYMENT_FORMAT}) with the payer's approval`)
    .action(async (file: string, options: ChainOptions) => {
      await withSession(io, options, true, async (session) => {
        const { payment, paymentId, approval } = await readPayment(session, file);
        if (approval === undefined)
          throw new UsageError(`${file} holds no payer approval: the payer signs it with coffer escrow sign`);
        const token = await tokenInfo(session, payment.token);
        const amount = BigInt(approval.amount);
        const relayed = { payerSignature: approval.signature };
        session.progress(
          `${approval.action === "charge" ? "charging" : "authorizing"} ${formatAmount(amount, token)} for ${payment.payer}`,
        );
        const result =
          approval.action === "charge"
            ? await escrow.charge(session.client, payment, amount, approval.feeBps, relayed)
            : await escrow.authorize(session.client, payment, amount, relayed);
        const state = await stateOf(session, paymentId, token);
        print(session, { paymentId, amount, action: approval.action, state: state.json, ...txJson(result) }, () => [
          `${approval.action === "charge" ? "Charged" : "Authorized"} ${formatAmount(amount, token)} from ${payment.payer} to ${payment.payee}, for the payer`,
          ...rows([["payment", paymentId], ...state.lines, txLine(result)]),
        ]);
      });
    });
}
