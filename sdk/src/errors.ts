import { ethers } from "ethers";
import {
  cofferChannelsAbi,
  cofferEscrowAbi,
  cofferSplitAbi,
  cofferSplitFactoryAbi,
  cofferSubscriptionsAbi,
  cofferTreasuryModuleAbi,
  ierc20ErrorsAbi,
  safeErc20Abi,
} from "./generated/abis";

let decoder: ethers.Interface | undefined;

/** One interface that decodes any Coffer error or event, and those of the OpenZeppelin code Coffer uses. */
export function cofferInterface(): ethers.Interface {
  if (decoder !== undefined) return decoder;
  const fragments = [
    cofferEscrowAbi,
    cofferSubscriptionsAbi,
    cofferTreasuryModuleAbi,
    cofferSplitFactoryAbi,
    cofferSplitAbi,
    cofferChannelsAbi,
    ierc20ErrorsAbi,
    safeErc20Abi,
  ].flatMap((abi) =>
    (abi as readonly { type: string }[]).filter((item) => item.type === "error" || item.type === "event"),
  );
  const unique = fragments.filter(
    (item, index) => fragments.findIndex((other) => JSON.stringify(other) === JSON.stringify(item)) === index,
  );
  decoder = new ethers.Interface(unique as ethers.InterfaceAbi);
  return decoder;
}

/** Base class of the SDK's errors. */
export class CofferError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = "CofferError";
  }
}

/** A contract call reverted with one of Coffer's (or OpenZeppelin's) custom errors. */
export class CofferContractError extends CofferError {
  constructor(
    /** The custom error's name, e.g. `CofferEscrowInvalidAmount`. */
    readonly errorName: string,
    /** Its arguments by name. */
    readonly args: Readonly<Record<string, unknown>>,
    /** The raw revert data. */
    readonly data: string,
    options?: { cause?: unknown },
  ) {
    super(describeError(errorName, args), options);
    this.name = "CofferContractError";
  }
}

/** A call reverted with data the SDK cannot decode (another contract's error, or a plain revert). */
export class CofferRevertError extends CofferError {
  constructor(
    readonly data: string | undefined,
    readonly reason: string | undefined,
    options?: { cause?: unknown },
  ) {
    super(
      `The transaction reverted${reason ? `: ${reason}` : data && data !== "0x" ? ` with data ${data}` : ""}`,
      options,
    );
    this.name = "CofferRevertError";
  }
}

/**
 * The SDK refused an input before anything was signed or sent: a builder's field out of its bounds, a missing
 * signer. `field` names the offending input.
 */
export class CofferValidationError extends CofferError {
  constructor(
    readonly field: string,
    message: string,
  ) {
    super(`${field}: ${message}`);
    this.name = "CofferValidationError";
  }
}

/** The account holds less of a token than a call needs; found before anything was approved or sent. */
export class CofferInsufficientBalanceError extends CofferError {
  constructor(
    readonly token: string,
    readonly account: string,
    readonly balance: bigint,
    readonly needed: bigint,
  ) {
    super(`${account} holds ${balance} of token ${token} but ${needed} is needed; nothing was approved or sent`);
    this.name = "CofferInsufficientBalanceError";
  }
}

/** The node could not be reached or answered with an error that is not a revert. */
export class CofferRpcError extends CofferError {
  constructor(
    readonly code: string | undefined,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(`RPC error${code ? ` (${code})` : ""}: ${message}`, options);
    this.name = "CofferRpcError";
  }
}

/** A readable sentence for a custom error: what failed, with the values. */
export function describeError(errorName: string, args: Readonly<Record<string, unknown>>): string {
  const words = errorName
    .replace(/^Coffer(Escrow|Subscriptions|Treasury|Split|Channels)/, "")
    .replace(/([a-z0-9])([A-Z])/g, "$1 $2")
    .toLowerCase();
  const module = /^Coffer(Escrow|Subscriptions|Treasury|Split|Channels)/.exec(errorName)?.[1];
  const values = Object.entries(args)
    .map(([name, value]) => `${name} ${formatArgument(name, value)}`)
    .join(", ");
  return `${module ? `${module}: ` : ""}${words}${values ? ` (${values})` : ""} [${errorName}]`;
}

/** Names of arguments that hold a unix time, and of those that hold basis points. */
const TIME_ARGUMENT = /(expiry|deadline|timestamp|eta|until|^now$|At$)/i;
const BPS_ARGUMENT = /bps$/i;

/** An argument as people read it: times as UTC dates, basis points as percentages, the rest as they are. */
function formatArgument(name: string, value: unknown): string {
  if (typeof value === "bigint" || typeof value === "number") {
    const number = Number(value);
    if (BPS_ARGUMENT.test(name)) return `${Number((number / 100).toFixed(2))}%`;
    // 2001 to 5138: a unix time, not a count that happens to be named so.
    if (TIME_ARGUMENT.test(name) && number >= 1e9 && number < 1e11) {
      return `${new Date(number * 1000).toISOString().replace(".000Z", "Z")} (${value.toString()})`;
    }
  }
  return formatValue(value);
}

function formatValue(value: unknown): string {
  if (typeof value === "bigint") return value.toString();
  if (Array.isArray(value)) return `[${value.map(formatValue).join(", ")}]`;
  return String(value);
}

/** Finds the revert data in an error thrown by ethers, however deep the node put it. */
export function revertDataOf(error: unknown): string | undefined {
  const seen = new Set<unknown>();
  let current: unknown = error;
  while (typeof current === "object" && current !== null && !seen.has(current)) {
    seen.add(current);
    const candidate = current as { data?: unknown; error?: unknown; info?: { error?: unknown }; cause?: unknown };
    if (typeof candidate.data === "string" && candidate.data.startsWith("0x")) return candidate.data;
    if (typeof candidate.data === "object" && candidate.data !== null) {
      const nested = (candidate.data as { data?: unknown }).data;
      if (typeof nested === "string" && nested.startsWith("0x")) return nested;
    }
    current = candidate.error ?? candidate.info?.error ?? candidate.cause;
  }
  return undefined;
}

/**
 * Turns anything a contract call can throw into a typed Coffer error: a decoded custom error with a readable
 * message, an undecodable revert, or an RPC failure.
 */
export function toCofferError(error: unknown): CofferError {
  if (error instanceof CofferError) return error;
  const data = revertDataOf(error);
  if (data !== undefined && data.length >= 10) {
    const parsed = cofferInterface().parseError(data);
    if (parsed !== null) {
      const args = Object.fromEntries(parsed.fragment.inputs.map((input, index) => [input.name, parsed.args[index]]));
      return new CofferContractError(parsed.name, args, data, { cause: error });
    }
  }
  const ethersError = error as { code?: string; reason?: string; shortMessage?: string; message?: string };
  if (ethersError.code === "CALL_EXCEPTION" || data !== undefined) {
    return new CofferRevertError(data, ethersError.reason ?? undefined, { cause: error });
  }
  return new CofferRpcError(ethersError.code, ethersError.shortMessage ?? ethersError.message ?? String(error), {
    cause: error,
  });
}

/** A Coffer event decoded from a receipt. */
export interface CofferEvent {
  readonly name: string;
  readonly address: string;
  readonly args: Readonly<Record<string, unknown>>;
  readonly logIndex: number;
}

/** Decodes every Coffer event of a receipt (logs of other contracts are skipped). */
export function decodeCofferEvents(receipt: ethers.TransactionReceipt): CofferEvent[] {
  const events: CofferEvent[] = [];
  for (const log of receipt.logs) {
    const parsed = cofferInterface().parseLog(log);
    if (parsed === null) continue;
    events.push({
      name: parsed.name,
      address: log.address,
      args: Object.fromEntries(parsed.fragment.inputs.map((input, index) => [input.name, parsed.args[index]])),
      logIndex: log.index,
    });
  }
  return events;
}
