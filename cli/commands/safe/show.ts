import { readSafeTransactionFile } from "@coffer/sdk/node";
import { connectChain, verifySafeTransaction, type VerifiedSafeTransaction } from "@coffer/sdk/safe";
import type { Command } from "commander";
import { rpcUrlFrom, type CliIo } from "../../io";
import { describeText, printResult, summary, withJson, withRpc, type ChainOptions } from "./shared";
import { readFundsView, type FundsView } from "./tokens";

/** `coffer safe show <file>`: what a transaction file does (offline unless --verify). */
export function addShowCommand(safe: Command, io: CliIo): void {
  withRpc(withJson(safe.command("show")))
    .description(
      "print what a transaction file does, its nonce and signatures (offline unless --verify: then amounts in token units and the Safe's funds too)",
    )
    .argument("<file>", "a coffer-safe-tx/1 file")
    .option("--verify", "also verify it against the chain (hash, signatures, owners, nonce): exit 1 if it does not")
    .action(async (file: string, options: ChainOptions & { verify?: boolean }) => {
      const transaction = readSafeTransactionFile(file);
      let verified: VerifiedSafeTransaction | undefined;
      let funds: FundsView | undefined;
      if (options.verify) {
        const chain = await connectChain(rpcUrlFrom(options.rpcUrl, io.env));
        try {
          verified = await verifySafeTransaction(chain, transaction);
          funds = await readFundsView(chain, transaction);
        } finally {
          chain.close();
        }
      }
      printResult(io, options.json, { ok: true, ...summary(transaction, verified, funds), transaction }, () =>
        describeText(transaction, verified, funds),
      );
    });
}
