import fs from "node:fs";
import { writeSafeTransactionFile } from "@coffer/sdk/node";
import {
  ETH,
  proposeSafeTransaction,
  transferCall,
  verifySafeTransaction,
  type SafeCall,
  type SafeProposal,
} from "@coffer/sdk/safe";
import type { Command } from "commander";
import { z } from "zod";
import { parseAddress, parseCount, parseUnits, UsageError, type CliIo } from "../../../io";
import {
  checkStoreOptions,
  describeText,
  printResult,
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
} from "../shared";

const batchSchema = z.array(
  z.union([
    z.object({ token: z.string(), to: z.string(), amount: z.string() }).strict(),
    z.object({ to: z.string(), value: z.string().optional(), data: z.string().optional() }).strict(),
  ]),
);

/** Reads a batch file: transfers and calls. */
export function readBatch(file: string): SafeCall[] {
  let document: unknown;
  try {
    document = JSON.parse(fs.readFileSync(file, "utf8"));
  } catch (error) {
    throw new UsageError(`cannot read the batch ${file}: ${(error as Error).message}`);
  }
  const parsed = batchSchema.safeParse(document);
  if (!parsed.success) {
    throw new UsageError(
      `${file} is not a batch: a JSON array of {token, to, amount} transfers or {to, value?, data?} calls`,
    );
  }
  return parsed.data.map((entry, index): SafeCall => {
    if ("token" in entry) {
      const token = entry.token === ETH ? ETH : parseAddress(entry.token, `call ${index + 1}: token`);
      const to = parseAddress(entry.to, `call ${index + 1}: to`);
      return transferCall(token, to, parseUnits(entry.amount, `call ${index + 1}: amount`));
    }
    if (entry.data !== undefined && !/^0x([0-9a-fA-F]{2})*$/.test(entry.data)) {
      throw new UsageError(`call ${index + 1}: data is not hex`);
    }
    return {
      to: parseAddress(entry.to, `call ${index + 1}: to`),
      value: entry.value === undefined ? 0n : parseUnits(entry.value, `call ${index + 1}: value`),
      data: entry.data ?? "0x",
    };
  });
}

/**
 * Adds `coffer safe propose <name>`: the proposal of the options, signed by the key, written to --out and/or
 * shared in a store.
 */
export function addProposal(
  propose: Command,
  io: CliIo,
  name: string,
  description: string,
  configure: (command: Command) => Command,
  toProposal: (options: Record<string, string>) => SafeProposal,
): void {
  const command = propose.command(name).description(description);
  configure(command);
  withKey(withSafe(withRpc(withStore(withJson(command)))))
    .option("--out <file>", "write the signed transaction to this file (coffer-safe-tx/1)")
    .option("--nonce <n>", "an explicit nonce (default: the next one free in the store, else the Safe's nonce)")
    .option("--note <text>", "a note kept with the proposal (not signed)")
    .action(async (options: SafeOptions & StoreOptions & Record<string, string>) => {
      checkStoreOptions(options);
      if (
        options.out === undefined &&
        options.dir === undefined &&
        options.service === undefined &&
        options.txService === undefined
      ) {
        throw new UsageError(
          "say where the proposal goes: --out <file>, --dir <dir>, --service <url> or --tx-service <url>",
        );
      }
      if (options.out !== undefined && fs.existsSync(options.out)) {
        throw new UsageError(`${options.out} exists: choose another --out (a signed file is never overwritten)`);
      }
      const nonce = options.nonce === undefined ? undefined : parseCount(options.nonce, "--nonce");
      const request = toProposal(options);
      await withSession(io, options, true, async ({ chain, open }) => {
        const connection = await open();
        const store = await storeFor(options, chain, io.env);
        const file = await proposeSafeTransaction(connection, request, { store, nonce, note: options.note });
        if (options.out !== undefined) writeSafeTransactionFile(options.out, file);
        const verified = await verifySafeTransaction(chain, file);
        printResult(
          io,
          options.json,
          { ok: true, ...summary(file, verified), file: options.out, store: store?.location },
          () => [
            `Proposed and signed by ${connection.signer}:`,
            ...describeText(file, verified),
            ...(options.out !== undefined ? [`  written to ${options.out}`] : []),
            ...(store !== undefined ? [`  shared in ${store.location}`] : []),
          ],
        );
      });
    });
}
