import type { Command } from "commander";
import { ethers } from "ethers";
import { formatAmount, print, readCommand, rows, tokenInfo, withSession, type ChainOptions } from "../../common";
import type { CliIo } from "../../io";
import { PAYMENT_FORMAT, readPayment, stateOf } from "./shared";

/** `coffer escrow status <payment>`: a payment and what is held, captured and refundable (no key). */
export function addStatusCommand(group: Command, io: CliIo): void {
  readCommand(group, "status", "show a payment and what is held, captured and refundable")
    .argument("<payment>", `the payment file (${PAYMENT_FORMAT})`)
    .action(async (file: string, options: ChainOptions) => {
      await withSession(io, options, false, async (session) => {
        const { payment, paymentId } = await readPayment(session, file);
        const token = await tokenInfo(session, payment.token);
        const state = await stateOf(session, paymentId, token);
        const date = (seconds: bigint) => new Date(Number(seconds) * 1000).toISOString();
        print(session, { ...state.json, payment }, () => [
          `Payment ${paymentId}`,
          ...rows([
            ["payer", payment.payer],
            ["payee", payment.payee],
            ["operator", payment.operator],
            ["token", `${token.symbol} ${token.address}`],
            ["max amount", formatAmount(payment.maxAmount, token)],
            ["capture by", date(payment.authorizationExpiry)],
            ["refund by", date(payment.refundExpiry)],
            ["arbiter", payment.arbiter === ethers.ZeroAddress ? "none" : payment.arbiter],
            ...state.lines,
          ]),
        ]);
      });
    });
}
