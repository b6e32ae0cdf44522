import { listPendingSafeTransactions, type SafeTransactionStore } from "@coffer/sdk/safe";
import type { Command } from "commander";
import { UsageError, type CliIo } from "../../io";
import {
  checkStoreOptions,
  describeText,
  printResult,
  storeFor,
  summary,
  withJson,
  withRpc,
  withSafe,
  withSession,
  withStore,
  type SafeOptions,
  type StoreOptions,
} from "./shared";
import { readFundsView } from "./tokens";

/** `coffer safe pending`: a Safe's pending transactions in a store, each verified. */
export function addPendingCommand(safe: Command, io: CliIo): void {
  withSafe(withRpc(withStore(withJson(safe.command("pending")))))
    .description("list a Safe's pending transactions in a store, each verified, by nonce")
    .action(async (options: SafeOptions & StoreOptions) => {
      checkStoreOptions(options);
      if (options.dir === undefined && options.service === undefined && options.txService === undefined) {
        throw new UsageError("say which store: --dir <dir>, --service <url> or --tx-service <url>");
      }
      await withSession(io, options, false, async ({ chain, open }) => {
        const connection = await open();
        const store = (await storeFor(options, chain, io.env)) as SafeTransactionStore;
        const { state, transactions } = await listPendingSafeTransactions(chain, connection.safeAddress, store);
        const funds = await Promise.all(transactions.map((pending) => readFundsView(chain, pending.file)));
        printResult(
          io,
          options.json,
          {
            ok: true,
            chainId: chain.chainId,
            safeAddress: state.safeAddress,
            safeNonce: state.nonce,
            threshold: state.threshold,
            owners: state.owners,
            transactions: transactions.map((pending, index) => ({
              ...summary(pending.file, pending.verified, funds[index]),
              ...(pending.error === undefined
                ? {}
                : { verified: false, error: { name: pending.error.name, message: pending.error.message } }),
            })),
          },
          () => [
            `Safe ${state.safeAddress} on chain ${chain.chainId}: nonce ${state.nonce}, ${state.threshold} of ${state.owners.length} owners`,
            transactions.length === 0 ? "No pending transactions." : `${transactions.length} pending:`,
            ...transactions.flatMap((pending, index) => [
              ...describeText(pending.file, pending.verified, funds[index]),
              ...(pending.error === undefined ? [] : [`  INVALID    ${pending.error.message}`]),
            ]),
          ],
        );
      });
    });
}
