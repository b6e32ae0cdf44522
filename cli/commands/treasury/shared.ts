import { treasury } from "@coffer/sdk";
import type { Command } from "commander";
import { ethers } from "ethers";
import { z } from "zod";
import {
  checkSameDeployment,
  print,
  readJsonFile,
  rows,
  zAddress,
  zBytes32,
  zUint,
  type ChainOptions,
  type Session,
} from "../../common";
import { parseAddress, UsageError } from "../../io";

/**
 * The queued-transfer file (`coffer-queued-transfer/2`), written by `coffer treasury queue` and read by
 * `execute` and `status`: the module's `QueuedTransfer` struct (integers as decimal strings) and its id. Version 2
 * added `queuedAt`.
 */
export const QUEUED_FORMAT = "coffer-queued-transfer/2";

const queuedFileSchema = z.object({
  format: z.literal(QUEUED_FORMAT),
  chainId: z.number().int(),
  module: zAddress,
  transferId: zBytes32,
  transfer: z.object({
    safe: zAddress,
    token: zAddress,
    to: zAddress,
    amount: zUint,
    operator: zAddress,
    queuedAt: zUint,
    eta: zUint,
    nonce: zUint,
  }),
});

/** Options of a command on a Safe. */
export interface SafeOption extends ChainOptions {
  safe?: string;
}

/** `--safe`, else the chain's treasury Safe from the deployment manifest. */
export function safeOf(session: Session, options: SafeOption): string {
  if (options.safe !== undefined) return parseAddress(options.safe, "--safe");
  const treasurySafe = session.client.manifest.treasurySafe;
  if (treasurySafe === undefined) {
    throw new UsageError(`no --safe given and no treasury Safe in the deployment manifest of chain ${session.chainId}`);
  }
  return treasurySafe.address;
}

/** `--safe`. */
export const withSafe = (command: Command) =>
  command.option("--safe <address>", "the Safe (default: the treasury Safe of the deployment manifest)");

/** Reads a queued-transfer file and checks it against the chain's module and its own id. */
export async function readQueued(session: Session, file: string) {
  const data = readJsonFile(file, queuedFileSchema, QUEUED_FORMAT);
  checkSameDeployment(file, data.chainId, data.module, session, await session.client.treasury.getAddress());
  const t = data.transfer;
  const transfer: treasury.QueuedTransfer = {
    safe: ethers.getAddress(t.safe),
    token: ethers.getAddress(t.token),
    to: ethers.getAddress(t.to),
    amount: BigInt(t.amount),
    operator: ethers.getAddress(t.operator),
    queuedAt: BigInt(t.queuedAt),
    eta: BigInt(t.eta),
    nonce: BigInt(t.nonce),
  };
  const transferId = await session.client.treasury.getTransferId(transfer);
  if (transferId !== data.transferId) throw new UsageError(`${file} was altered: its transfer hashes to ${transferId}`);
  return { transfer, transferId };
}

/**
 * A queued transfer's status by the module's enum number (`getQueuedStatus`), lower snake_case as the indexer's
 * `queuedTransfer.status`; `none`: the module never saw the transfer.
 */
export const QUEUED_STATUS = ["none", "queued", "executed", "canceled"] as const;

/** A whole number of seconds from a CLI option. */
export function parseSeconds(value: string, what: string): number {
  if (!/^(0|[1-9][0-9]*)$/.test(value) || Number(value) > 0xffffffff) {
    throw new UsageError(`${what} ${value} is not a number of seconds`);
  }
  return Number(value);
}

/** Unix seconds as an ISO date-time. */
export const isoTime = (seconds: bigint | number): string => new Date(Number(seconds) * 1000).toISOString();

/** Prints a policy call for the Safe's owners to propose with `coffer safe propose call`. */
export function printPolicy(session: Session, what: string, call: treasury.PolicyCall) {
  print(session, { what, to: call.to, value: call.value, data: call.data }, () => [
    `Policy call for the treasury Safe: ${what}`,
    ...rows([
      ["to", call.to],
      ["data", call.data],
    ]),
    `Propose it with: coffer safe propose call --to ${call.to} --data ${call.data}`,
  ]);
}
