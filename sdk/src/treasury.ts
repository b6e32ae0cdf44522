import { ethers } from "ethers";
import type { CofferClient } from "./client";
import { CofferError } from "./errors";
import type { ICofferTreasuryModule } from "./generated/typechain/CofferTreasuryModule";
import { sendCall, type CofferReceipt } from "./transactions";

/** A queued transfer as emitted by `TransferQueued`: what executing or cancelling it takes. */
export type QueuedTransfer = ICofferTreasuryModule.QueuedTransferStruct;

/** A call the treasury Safe makes to the module to change its own policy (to propose through `coffer safe`). */
export interface PolicyCall {
  readonly to: string;
  readonly value: bigint;
  readonly data: string;
}

/** Policy calls, encoded for the Safe to execute (each needs the Safe's owners' approval). */
export const policy = {
  setOperator: (client: CofferClient, operator: string, enabled: boolean, restricted: boolean) =>
    call(client, client.treasury.interface.encodeFunctionData("setOperator", [operator, enabled, restricted])),
  setOperatorPaused: (client: CofferClient, operator: string, paused: boolean) =>
    call(client, client.treasury.interface.encodeFunctionData("setOperatorPaused", [operator, paused])),
  setRecipient: (client: CofferClient, operator: string, recipient: string, allowed: boolean) =>
    call(client, client.treasury.interface.encodeFunctionData("setRecipient", [operator, recipient, allowed])),
  setBudget: (client: CofferClient, operator: string, token: string, amount: bigint, period: number) =>
    call(client, client.treasury.interface.encodeFunctionData("setBudget", [operator, token, amount, period])),
  /** The most `operator` may queue of `token` per `period` seconds (nothing until set; cancelling gives nothing back). */
  setQueueLimit: (client: CofferClient, operator: string, token: string, amount: bigint, period: number) =>
    call(client, client.treasury.interface.encodeFunctionData("setQueueLimit", [operator, token, amount, period])),
  /** The queue delay in seconds, within [MIN_QUEUE_DELAY, MAX_QUEUE_DELAY] (nothing can be queued until set). */
  setQueueDelay: (client: CofferClient, delay: number) =>
    call(client, client.treasury.interface.encodeFunctionData("setQueueDelay", [delay])),
  /** Pauses or unpauses everything for the Safe; the queue delay stays as it is. */
  setPaused: (client: CofferClient, paused: boolean) =>
    call(client, client.treasury.interface.encodeFunctionData("setPaused", [paused])),
  setSweepRule: (client: CofferClient, token: string, cold: string, cap: bigint) =>
    call(client, client.treasury.interface.encodeFunctionData("setSweepRule", [token, cold, cap])),
  cancelQueued: (client: CofferClient, transfer: QueuedTransfer) =>
    call(client, client.treasury.interface.encodeFunctionData("cancelQueued", [transfer])),
  /** The Safe's own `enableModule(module)`, addressed to the Safe. */
  enableModule: async (client: CofferClient, safe: string): Promise<PolicyCall> => ({
    to: safe,
    value: 0n,
    data: new ethers.Interface(["function enableModule(address module)"]).encodeFunctionData("enableModule", [
      await client.treasury.getAddress(),
    ]),
  }),
};

async function call(client: CofferClient, data: string): Promise<PolicyCall> {
  return { to: await client.treasury.getAddress(), value: 0n, data };
}

/** Pays from the Safe within the caller's budget (operator). */
export const budgetTransfer = (client: CofferClient, safe: string, token: string, to: string, amount: bigint) =>
  sendCall(client, { contract: client.treasury, method: "transfer", args: [safe, token, to, amount] });

/** Queues a transfer behind the Safe's delay (operator); returns the transfer to execute later. */
export async function queueTransfer(
  client: CofferClient,
  safe: string,
  token: string,
  to: string,
  amount: bigint,
): Promise<CofferReceipt & { transferId: string; transfer: QueuedTransfer }> {
  const result = await sendCall(client, {
    contract: client.treasury,
    method: "queueTransfer",
    args: [safe, token, to, amount],
  });
  const event = result.events.find((candidate) => candidate.name === "TransferQueued");
  if (event === undefined) throw new CofferError(`No TransferQueued event in ${result.transactionHash}`);
  const transfer = event.args["transfer"] as ethers.Result;
  return { ...result, transferId: event.args["transferId"] as string, transfer: transfer.toObject() as QueuedTransfer };
}

/** Bounds of the queue delay a Safe may set, in seconds. */
export const MIN_QUEUE_DELAY = 3_600;
export const MAX_QUEUE_DELAY = 30 * 86_400;

/** An operator's queue limit of a token: the limit, what was queued in its current period, and what is left. */
export async function getQueueLimit(client: CofferClient, safe: string, operator: string, token: string) {
  const [limit, remaining] = await client.treasury.getQueueLimit(safe, operator, token);
  return { amount: limit.amount, period: Number(limit.period), remaining };
}

/**
 * When a queued transfer can be executed under the Safe's current delay: from max(eta, queuedAt + delay) until
 * `deadline` (exclusive), unix seconds. A delay raised after queueing pushes both back.
 */
export async function getExecutionWindow(
  client: CofferClient,
  transfer: QueuedTransfer,
): Promise<{ earliest: bigint; deadline: bigint }> {
  const [earliest, deadline] = await client.treasury.getExecutionWindow(transfer);
  return { earliest, deadline };
}

/** Executes a queued transfer after its delay (anyone). */
export const executeQueued = (client: CofferClient, transfer: QueuedTransfer) =>
  sendCall(client, { contract: client.treasury, method: "executeQueued", args: [transfer] });

/** Sweeps the Safe's excess of `token` above its cap to the cold address (anyone). */
export const sweep = (client: CofferClient, safe: string, token: string) =>
  sendCall(client, { contract: client.treasury, method: "sweep", args: [safe, token] });
