import { readSafeTransactionFile } from "@coffer/sdk/node";
import { connectChain, verifySafeTransaction, type VerifiedSafeTransaction } from "@coffer/sdk/safe";
import type { Command } from "commander";
import { rpcUrlFrom, type CliIo } from "../../io";
import { describeText, printResult, summary, withJson, withRpc, type ChainOptions } from "./shared";
import { readFundsView, readOfflineLabels, type FundsView } from "./tokens";

/** `coffer safe show <file>`: what a transaction file does (offline unless --verify). */
export function addShowCommand(safe: Command, io: CliIo): void {
  withRpc(withJson(safe.command("show")))
    .description(
      "print what a transaction file does, its nonce and signatures (offline unless --verify: then the Safe's funds too); amounts in token units when the decimals are known (test tokens of the manifest, or the chain with --rpc-url)",
    )
    .argument("<file>", "a coffer-safe-tx/1 file")
    .option("--verify", "also verify it against the chain (hash, signatures, owners, nonce): exit 1 if it does not")
    .option(
      "--deployments-dir <dir>",
      "where the deployment manifests are (default: $COFFER_DEPLOYMENTS_DIR or deployments/)",
    )
    .action(async (file: string, options: ChainOptions & { verify?: boolean; deploymentsDir?: string }) => {
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
        printResult(io, options.json, { ok: true, ...summary(transaction, verified, funds), transaction }, () =>
          describeText(transaction, verified, funds),
        );
        return;
      }
      // Offline: token units where the decimals can be known without verifying, and a plain word where not.
      const offline = await readOfflineLabels(transaction, { ...options, env: io.env });
      const unknownText =
        offline.unknown.length === 0
          ? []
          : [
              `  amounts    in base units for ${offline.unknown.join(", ")}: ${offline.unknown.length === 1 ? "its" : "their"} decimals are not known offline ` +
                `(not a test token of the manifest of chain ${transaction.chainId}${
                  offline.chainError === undefined ? "" : `; ${offline.chainError}`
                }); pass --rpc-url or --verify to read them from the chain`,
            ];
      printResult(
        io,
        options.json,
        {
          ok: true,
          ...summary(transaction),
          tokens: offline.labels,
          unknownDecimals: offline.unknown,
          ...(offline.chainError === undefined ? {} : { chainError: offline.chainError }),
          transaction,
        },
        () => [...describeText(transaction, undefined, { tokens: offline.tokens, shortfalls: [] }), ...unknownText],
      );
    });
}
