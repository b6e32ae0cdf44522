import { describeSafeTransaction, executeSafeTransaction, formatDescription } from "@coffer/sdk/safe";
import type { Command } from "commander";
import type { CliIo } from "../../io";
import {
  load,
  printResult,
  sourceOf,
  storeFor,
  withJson,
  withKey,
  withRpc,
  withSafe,
  withSession,
  withStore,
  type SafeOptions,
  type StoreOptions,
} from "./shared";
import { readFundsView } from "./tokens";

/** `coffer safe exec`: verifies a transaction and executes it once its approvals meet the threshold. */
export function addExecCommand(safe: Command, io: CliIo): void {
  withKey(withSafe(withRpc(withStore(withJson(safe.command("exec"))))))
    .description("verify a transaction and execute it once its approvals meet the threshold (you pay the gas)")
    .argument("[file]", "a coffer-safe-tx/1 file")
    .option("--hash <safeTxHash>", "the transaction to execute from the store")
    .option(
      "--no-executor-approval",
      "do not count your own approval when you are an owner who has not signed (counted by default)",
    )
    .action(
      async (
        file: string | undefined,
        options: SafeOptions & StoreOptions & { hash?: string; executorApproval: boolean },
      ) => {
        const source = sourceOf(file, options);
        await withSession(io, options, true, async ({ chain, open }) => {
          const transaction = await load(source, await storeFor(options, chain, io.env));
          const connection = await open(transaction.safeAddress);
          const { tokens } = await readFundsView(chain, transaction);
          const result = await executeSafeTransaction(connection, transaction, {
            executorApproves: options.executorApproval,
          });
          const description = describeSafeTransaction(transaction);
          printResult(io, options.json, { ok: true, ...result, description }, () => [
            `Executed Safe transaction ${result.safeTxHash}`,
            ...formatDescription(description, "", tokens).map((line) => `  ${line}`),
            `  approvals  ${result.approvals.map((a) => `${a.owner}${a.kind === "signature" ? "" : ` (${a.kind})`}`).join(", ")}`,
            `  mined      ${result.transactionHash} in block ${result.blockNumber}, ${result.gasUsed} gas, sent by ${result.executor}`,
          ]);
        });
      },
    );
}
