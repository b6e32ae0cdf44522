import { escrow, getChainTime } from "@coffer/sdk";
import type { Command } from "commander";
import { ethers } from "ethers";
import {
  formatAmount,
  parseAmount,
  parseDuration,
  print,
  resolveToken,
  rows,
  sendCommand,
  signerOf,
  usageFrom,
  withSession,
  writeJsonFile,
  type ChainOptions,
} from "../../common";
import { parseAddress, type CliIo } from "../../io";
import { INVOICE_FORMAT } from "./shared";

interface CreateOptions extends ChainOptions {
  token: string;
  amount: string;
  reference: string;
  out: string;
  payer?: string;
  expiry: string;
}

/** `coffer invoice create`: the payee signs an invoice and writes it; nothing is sent. */
export function addCreateCommand(group: Command, io: CliIo): void {
  sendCommand(group, "create", "create an invoice and sign it as its payee (you); nothing is sent to the chain")
    .requiredOption("--token <token>", "ETH, a token address, or a token of the deployment manifest (e.g. TestUSDC)")
    .requiredOption("--amount <amount>", "the amount in the token's units, e.g. 12.50")
    .requiredOption("--reference <text>", "the invoice number (hashed), or 32 bytes of hex")
    .requiredOption("--out <file>", "where to write the signed invoice")
    .option("--payer <address>", "the only account that may pay it (default: anyone)")
    .option("--expiry <duration>", "how long it may be paid from now", "30d")
    .action(async (options: CreateOptions) => {
      await withSession(io, options, true, async (session) => {
        const token = await resolveToken(session, options.token);
        const amount = parseAmount(options.amount, token);
        const payWithin = parseDuration(options.expiry, "--expiry");
        const { invoice, invoiceId, signature } = await escrow
          .createInvoice(session.client, signerOf(session), {
            token: token.address,
            amount,
            payWithin,
            now: await getChainTime(session.provider),
            reference: options.reference,
            payer: options.payer === undefined ? undefined : parseAddress(options.payer, "--payer"),
          })
          .catch(usageFrom);
        writeJsonFile(options.out, {
          format: INVOICE_FORMAT,
          chainId: session.chainId,
          escrow: await session.client.escrow.getAddress(),
          invoiceId,
          invoice,
          signature,
        });
        print(session, { invoiceId, file: options.out, invoice, signature }, () => [
          `Invoice ${invoiceId} for ${formatAmount(amount, token)} to ${invoice.payee}, signed`,
          ...rows([
            ["payer", invoice.payer === ethers.ZeroAddress ? "anyone" : invoice.payer],
            ["expires", new Date(Number(invoice.expiry) * 1000).toISOString()],
            ["file", options.out],
          ]),
        ]);
      });
    });
}
