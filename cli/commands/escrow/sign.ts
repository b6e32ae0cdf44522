import {
  CofferInsufficientBalanceError,
  ensureAllowance,
  escrow,
  getBalance,
  isPullFailure,
  NATIVE_TOKEN,
} from "@coffer/sdk";
import type { Command } from "commander";
import {
  ensureNewFile,
  formatAmount,
  parseAmount,
  parseBps,
  print,
  resolveToken,
  rows,
  signerOf,
  withSession,
  writeJsonFile,
} from "../../common";
import { UsageError, type CliIo } from "../../io";
import { newPaymentCommand, paymentOf, PAYMENT_FORMAT, type NewPaymentOptions } from "./shared";

/**
 * `coffer escrow sign <action>`: relayed (gasless) checkout. The payer signs what the operator may do; the
 * operator submits it with `coffer escrow relay` and pays the gas.
 */
export function addSignCommand(group: Command, io: CliIo): void {
  newPaymentCommand(
    group,
    "sign",
    "sign a payment for the operator to submit (you are the payer): <action> is authorize (hold) or charge (pay at once); writes the payment file with your approval",
  )
    .argument("<action>", "authorize or charge: what the operator may do, and nothing else")
    .option("--fee <percent>", "for charge: the operator's fee taken now (default: --min-fee)")
    .action(async (action: string, options: NewPaymentOptions) => {
      if (action !== "authorize" && action !== "charge") {
        throw new UsageError(`<action> must be authorize or charge, not ${action}`);
      }
      await withSession(io, options, true, async (session) => {
        const token = await resolveToken(session, options.token);
        if (token.address === NATIVE_TOKEN) {
          throw new UsageError("an ETH payment is sent by its payer: use coffer escrow authorize|charge");
        }
        if (options.operator === undefined) throw new UsageError("--operator is required: who will submit it");
        const payment = await paymentOf(session, options, token);
        const amount = parseAmount(options.amount, token);
        const feeBps = options.fee === undefined ? payment.minFeeBps : parseBps(options.fee, "--fee");
        ensureNewFile(options.out);
        const escrowAddress = await session.client.escrow.getAddress();
        const domain = { chainId: session.chainId, escrow: escrowAddress };
        const digest = escrow.getPayerApprovalDigest(payment, domain, action);
        const signature = await escrow.signPaymentApproval(signerOf(session), payment, domain, action);
        // The operator's relayed call pulls from the payer, so the allowance must be there before it is submitted;
        // it is approved only once the relay is known to succeed but for it (nothing for a payment Coffer refuses).
        try {
          await escrow.simulateRelay(session.client, payment, amount, action, signature, feeBps);
        } catch (error) {
          if (!isPullFailure(error)) throw error;
          const balance = await getBalance(session.client, token.address, session.account);
          if (balance < amount)
            throw new CofferInsufficientBalanceError(token.address, session.account, balance, amount);
          if (await ensureAllowance(session.client, token.address, escrowAddress, amount)) {
            session.progress(`approved ${formatAmount(amount, token)} for ${escrowAddress}`);
          }
        }
        const paymentId = escrow.getPaymentId(payment, domain);
        const approval = { action, amount, feeBps, digest, signature };
        writeJsonFile(options.out, {
          format: PAYMENT_FORMAT,
          chainId: session.chainId,
          escrow: escrowAddress,
          paymentId,
          payment,
          approval,
        });
        print(session, { paymentId, file: options.out, approval }, () => [
          `Signed: ${payment.operator} may ${action === "charge" ? "charge" : "hold"} ${formatAmount(amount, token)} of yours for ${payment.payee}`,
          ...rows([
            ["payment", paymentId],
            ["file", options.out],
            ["digest", digest],
          ]),
        ]);
      });
    });
}
