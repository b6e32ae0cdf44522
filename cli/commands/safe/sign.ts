import { writeSafeTransactionFile } from "@coffer/sdk/node";
import { signSafeTransaction } from "@coffer/sdk/safe";
import type { Command } from "commander";
import type { CliIo } from "../../io";
import {
  describeText,
  load,
  printResult,
  sourceOf,
  storeFor,
  summary,
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

/** `coffer safe sign`: verifies a transaction and adds the key's signature. */
export function addSignCommand(safe: Command, io: CliIo): void {
  withKey(withSafe(withRpc(withStore(withJson(safe.command("sign"))))))
    .description("verify a transaction (hash, every signature, nonce) and add your signature")
    .argument("[file]", "a coffer-safe-tx/1 file, updated in place unless --out is given")
    .option("--hash <safeTxHash>", "the transaction to sign in the store")
    .option("--out <file>", "write the co-signed transaction here instead")
    .action(async (file: string | undefined, options: SafeOptions & StoreOptions & { hash?: string; out?: string }) => {
      const source = sourceOf(file, options);
      await withSession(io, options, true, async ({ chain, open }) => {
        const store = await storeFor(options, chain, io.env);
        const transaction = await load(source, store);
        const connection = await open(transaction.safeAddress);
        const result = await signSafeTransaction(connection, transaction, { store });
        const out = options.out ?? ("path" in source ? source.path : undefined);
        const funds = await readFundsView(chain, result.file);
        if (out !== undefined && (result.added || out !== file)) writeSafeTransactionFile(out, result.file);
        printResult(
          io,
          options.json,
          {
            ok: true,
            ...summary(result.file, result.verified, funds),
            signer: result.signer,
            added: result.added,
            file: out,
          },
          () => [
            result.added ? `Signed by ${result.signer}:` : `${result.signer} had signed already; nothing changed:`,
            ...describeText(result.file, result.verified, funds),
            ...(out !== undefined ? [`  written to ${out}`] : []),
            ...(store !== undefined ? [`  shared in ${store.location}`] : []),
          ],
        );
      });
    });
}
