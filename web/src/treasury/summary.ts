/**
 * What a Safe transaction does, in words and token units, from its signed data (through the SDK's decoder,
 * never from the proposal's unsigned note): "Pay 1,250.00 tUSDC to 0x…", treasury policy calls by name.
 */
import type { TokenInfo } from "@coffer/sdk";
import { describeSafeTransaction, type SafeCallDescription, type SafeTransactionFile } from "@coffer/sdk/safe-tx";
import { formatAmount, formatTime } from "../shared/format";
import { formatDuration } from "./durations";

/** A transaction's summary: a title and one line per call (a batch has several). */
export interface TransactionSummary {
  readonly title: string;
  readonly lines: readonly string[];
}

type TokenLookup = (address: string) => Promise<TokenInfo>;

const ETH: TokenInfo = { address: "0x0000000000000000000000000000000000000000", symbol: "ETH", decimals: 18 };

/** Reads a struct argument the decoder wrote as `(field=value, …)`. */
function structFields(text: string | undefined): Record<string, string> {
  const inner = text?.replace(/^\(|\)$/g, "") ?? "";
  return Object.fromEntries(
    inner
      .split(", ")
      .map((part) => part.split("="))
      .filter((pair): pair is [string, string] => pair.length === 2),
  );
}

async function amountText(token: TokenLookup, address: string | undefined, amount: string | undefined) {
  if (address === undefined || amount === undefined) return `${amount ?? "?"} base units`;
  try {
    return formatAmount(BigInt(amount), await token(address));
  } catch {
    return `${amount} base units of ${address}`;
  }
}

const yesNo = (value: string | undefined) => (value === "true" ? "yes" : "no");

async function policyLine(
  call: string,
  args: Readonly<Record<string, string>>,
  token: TokenLookup,
): Promise<{ title: string; line: string }> {
  const period = (seconds: string | undefined) => formatDuration(Number(seconds ?? 0));
  switch (call) {
    case "setBudget":
      return {
        title: "Set an operator budget",
        line: `Set the budget of operator ${args["operator"]} to ${await amountText(token, args["token"], args["amount"])} per ${period(args["period"])}`,
      };
    case "setQueueLimit":
      return {
        title: "Set an operator queue limit",
        line: `Let operator ${args["operator"]} queue up to ${await amountText(token, args["token"], args["amount"])} per ${period(args["period"])}`,
      };
    case "setOperator":
      return {
        title: "Set an operator",
        line: `Operator ${args["operator"]}: enabled ${yesNo(args["enabled"])}, restricted to listed recipients ${yesNo(args["restricted"])}`,
      };
    case "setOperatorPaused":
      return {
        title: args["paused"] === "true" ? "Pause an operator" : "Unpause an operator",
        line: `${args["paused"] === "true" ? "Pause" : "Unpause"} operator ${args["operator"]}`,
      };
    case "setRecipient":
      return {
        title: "Set an allowed recipient",
        line: `${args["allowed"] === "true" ? "Allow" : "Disallow"} operator ${args["operator"]} to pay ${args["recipient"]}`,
      };
    case "setQueueDelay":
      return { title: "Set the queue delay", line: `Delay queued transfers by ${period(args["delay"])}` };
    case "setPaused":
      return {
        title: args["paused"] === "true" ? "Pause the treasury" : "Unpause the treasury",
        line: `${args["paused"] === "true" ? "Pause" : "Unpause"} every operator transfer of this Safe`,
      };
    case "setSweepRule":
      return {
        title: "Set a sweep rule",
        line: `Keep ${await amountText(token, args["token"], args["cap"])} and sweep the rest to ${args["cold"]}`,
      };
    case "cancelQueued": {
      const queued = structFields(args["queued"]);
      return {
        title: "Cancel a queued transfer",
        line:
          `Cancel the queued transfer of ${await amountText(token, queued["token"], queued["amount"])} to ` +
          `${queued["to"]} (queued by operator ${queued["operator"]}` +
          `${queued["queuedAt"] ? ` on ${formatTime(BigInt(queued["queuedAt"]))}` : ""})`,
      };
    }
    default:
      return {
        title: `Treasury policy: ${call}`,
        line: `${call}(${Object.entries(args)
          .map(([name, value]) => `${name}: ${value}`)
          .join(", ")})`,
      };
  }
}

async function describeCall(
  description: SafeCallDescription,
  token: TokenLookup,
): Promise<{ title: string; lines: string[] }> {
  switch (description.kind) {
    case "erc20Transfer": {
      const line = `Pay ${await amountText(token, description.token, description.amount)} to ${description.to}`;
      return { title: line.replace(/ to .*$/, ""), lines: [line] };
    }
    case "ethTransfer": {
      const amount = formatAmount(BigInt(description.value), ETH);
      return { title: `Pay ${amount}`, lines: [`Pay ${amount} to ${description.to}`] };
    }
    case "treasuryPolicy": {
      const { title, line } = await policyLine(description.call, description.args, token);
      return { title, lines: [line] };
    }
    case "addOwner":
      return {
        title: "Add an owner",
        lines: [`Add owner ${description.owner}; ${description.threshold} signatures needed after`],
      };
    case "removeOwner":
      return {
        title: "Remove an owner",
        lines: [`Remove owner ${description.owner}; ${description.threshold} signatures needed after`],
      };
    case "swapOwner":
      return {
        title: "Replace an owner",
        lines: [`Replace owner ${description.oldOwner} by ${description.newOwner}`],
      };
    case "changeThreshold":
      return {
        title: "Change the threshold",
        lines: [`Require ${description.threshold} signatures`],
      };
    case "enableModule":
    case "disableModule":
      return {
        title: description.kind === "enableModule" ? "Enable a module" : "Disable a module",
        lines: [`${description.kind === "enableModule" ? "Enable" : "Disable"} module ${description.module}`],
      };
    case "batch": {
      const calls = await Promise.all(description.calls.map((call) => describeCall(call, token)));
      return {
        title: `Batch of ${description.calls.length} calls`,
        lines: calls.flatMap((call, index) => call.lines.map((line) => `${index + 1}. ${line}`)),
      };
    }
    case "call": {
      const value = description.value !== "0" ? `, sending ${formatAmount(BigInt(description.value), ETH)}` : "";
      const kind = description.operation === 1 ? "Delegatecall" : "Call";
      return {
        title: `${kind} to ${description.to}`,
        lines: [`${kind} ${description.selector} on ${description.to}${value}`],
      };
    }
  }
}

/** The summary of a pending transaction, with amounts in their token's units. */
export async function summarize(file: SafeTransactionFile, token: TokenLookup): Promise<TransactionSummary> {
  return describeCall(describeSafeTransaction(file), token);
}
