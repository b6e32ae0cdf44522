import fs from "node:fs";
import { writeSafeTransactionFile } from "@coffer/sdk/node";
import {
  proposeSafeTransaction,
  transferCall,
  verifySafeTransaction,
  type SafeCall,
  type SafeChain,
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
import { parseTransfer, readFundsView } from "../tokens";

const batchSchema = z.array(
  z.union([
    z.object({ token: z.string(), to: z.string(), amount: z.string() }).strict(),
    z.object({ to: z.string(), value: z.string().optional(), data: z.string().optional() }).strict(),
  ]),
);

/** What a proposal's options are read with: the chain (tokens) and where the deployment manifests are. */
export interface ProposalContext {
  readonly chain: SafeChain;
  readonly env: NodeJS.ProcessEnv;
  readonly deploymentsDir?: string;
}

/**
 * Reads a batch file: transfers (`token` as ETH, a name, a symbol or an address; `amount` in token units, e.g.
 * "12.5") and calls (`value` in wei).
 */
export async function readBatch(file: string, context: ProposalContext): Promise<SafeCall[]> {
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
  const calls: SafeCall[] = [];
  for (const [index, entry] of parsed.data.entries()) calls.push(await batchCall(entry, index, context));
  return calls;
}

async function batchCall(
  entry: z.infer<typeof batchSchema>[number],
  index: number,
  context: ProposalContext,
): Promise<SafeCall> {
  {
    if ("token" in entry) {
      const to = parseAddress(entry.to, `call ${index + 1}: to`);
      const { token, amount } = await parseTransfer(context.chain, entry.token, entry.amount, {
        ...context,
        tokenWhat: `call ${index + 1}: token`,
        amountWhat: `call ${index + 1}: amount`,
      });
      return transferCall(token, to, amount);
    }
    if (entry.data !== undefined && !/^0x([0-9a-fA-F]{2})*$/.test(entry.data)) {
      throw new UsageError(`call ${index + 1}: data is not hex`);
    }
    return {
      to: parseAddress(entry.to, `call ${index + 1}: to`),
      value: entry.value === undefined ? 0n : parseUnits(entry.value, `call ${index + 1}: value`),
      data: entry.data ?? "0x",
    };
  }
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
  toProposal: (options: Record<string, string>, context: ProposalContext) => SafeProposal | Promise<SafeProposal>,
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
      await withSession(io, options, true, async ({ chain, open }) => {
        const request = await toProposal(options, { chain, env: io.env, deploymentsDir: options.deploymentsDir });
        const connection = await open();
        const store = await storeFor(options, chain, io.env);
        const file = await proposeSafeTransaction(connection, request, { store, nonce, note: options.note });
        if (options.out !== undefined) writeSafeTransactionFile(options.out, file);
        const verified = await verifySafeTransaction(chain, file);
        const funds = await readFundsView(chain, file);
        printResult(
          io,
          options.json,
          { ok: true, ...summary(file, verified, funds), file: options.out, store: store?.location },
          () => [
            `Proposed and signed by ${connection.signer}:`,
            ...describeText(file, verified, funds),
            ...(options.out !== undefined ? [`  written to ${options.out}`] : []),
            ...(store !== undefined ? [`  shared in ${store.location}`] : []),
          ],
        );
      });
    });
}
