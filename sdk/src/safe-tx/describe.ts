import { ethers } from "ethers";
import type { SafeTransactionFile } from "../safe/file-format";
import { decodeMultiSend, MULTI_SEND_ADDRESSES } from "./multisend";

/** What a call does, decoded from the signed data (never from the file's unsigned metadata). */
export type SafeCallDescription =
  | { readonly kind: "erc20Transfer"; readonly token: string; readonly to: string; readonly amount: string }
  | { readonly kind: "ethTransfer"; readonly to: string; readonly value: string }
  | { readonly kind: "addOwner"; readonly owner: string; readonly threshold: number }
  | { readonly kind: "removeOwner"; readonly owner: string; readonly threshold: number }
  | { readonly kind: "swapOwner"; readonly oldOwner: string; readonly newOwner: string }
  | { readonly kind: "changeThreshold"; readonly threshold: number }
  | { readonly kind: "enableModule" | "disableModule"; readonly module: string }
  | { readonly kind: "batch"; readonly calls: readonly SafeCallDescription[] }
  | {
      /** A policy call to Coffer's treasury module (decoded by its signature, whatever contract `module` is). */
      readonly kind: "treasuryPolicy";
      readonly module: string;
      readonly call: string;
      /** Argument name → value (integers in decimal, a queued transfer as its fields). */
      readonly args: Readonly<Record<string, string>>;
    }
  | {
      readonly kind: "call";
      readonly to: string;
      readonly value: string;
      /** The 4-byte selector, or `0x` for a call without data. */
      readonly selector: string;
      readonly operation: 0 | 1;
    };

const erc20 = new ethers.Interface(["function transfer(address to, uint256 amount)"]);
const safeSelf = new ethers.Interface([
  "function addOwnerWithThreshold(address owner, uint256 _threshold)",
  "function removeOwner(address prevOwner, address owner, uint256 _threshold)",
  "function swapOwner(address prevOwner, address oldOwner, address newOwner)",
  "function changeThreshold(uint256 _threshold)",
  "function enableModule(address module)",
  "function disableModule(address prevModule, address module)",
]);
const multiSend = new ethers.Interface(["function multiSend(bytes transactions)"]);
/** The treasury module's policy calls, which a Safe's owners approve. */
const treasuryPolicy = new ethers.Interface([
  "function setOperator(address operator, bool enabled, bool restricted)",
  "function setOperatorPaused(address operator, bool paused)",
  "function setRecipient(address operator, address recipient, bool allowed)",
  "function setBudget(address operator, address token, uint96 amount, uint32 period)",
  "function setQueueLimit(address operator, address token, uint96 amount, uint32 period)",
  "function setQueueDelay(uint32 delay)",
  "function setPaused(bool paused)",
  "function setSweepRule(address token, address cold, uint96 cap)",
  "function cancelQueued((address safe, address token, address to, uint96 amount, address operator, uint48 queuedAt, uint48 eta, uint256 nonce) queued)",
]);
const MULTI_SEND = new Set(MULTI_SEND_ADDRESSES);

/** Decodes a Safe transaction into what it does: transfers, owner and threshold changes, batches, other calls. */
export function describeSafeTransaction(file: SafeTransactionFile): SafeCallDescription {
  const t = file.transaction;
  return describeCall(file.safeAddress, t.to, t.value, t.data, t.operation);
}

function describeCall(
  safeAddress: string,
  to: string,
  value: string,
  data: string,
  operation: 0 | 1,
): SafeCallDescription {
  const selector = data.length >= 10 ? data.slice(0, 10) : "0x";
  if (operation === 1) {
    // Only the canonical MultiSend contracts are decoded as batches: a delegatecall to any other contract with
    // the same selector could do anything, and is shown as a plain delegatecall.
    if (MULTI_SEND.has(to) && tryParse(multiSend, data) !== null) {
      try {
        const calls = decodeMultiSend(data).map((call) =>
          describeCall(safeAddress, call.to, call.value, call.data, call.operation),
        );
        return { kind: "batch", calls };
      } catch {
        // not a well-formed MultiSend payload: fall through to a plain description
      }
    }
    return { kind: "call", to, value, selector, operation };
  }
  if (data === "0x" && value !== "0") return { kind: "ethTransfer", to, value };
  if (value === "0") {
    const transfer = tryParse(erc20, data);
    if (transfer !== null) {
      return {
        kind: "erc20Transfer",
        token: to,
        to: ethers.getAddress(transfer.args[0] as string),
        amount: (transfer.args[1] as bigint).toString(),
      };
    }
    const policy = tryParse(treasuryPolicy, data);
    if (policy !== null) {
      const args = Object.fromEntries(
        policy.fragment.inputs.map((input, index) => [input.name, argumentText(policy.args[index])]),
      );
      return { kind: "treasuryPolicy", module: to, call: policy.name, args };
    }
    if (to === safeAddress) {
      const call = tryParse(safeSelf, data);
      switch (call?.name) {
        case "addOwnerWithThreshold":
          return { kind: "addOwner", owner: call.args[0] as string, threshold: Number(call.args[1]) };
        case "removeOwner":
          return { kind: "removeOwner", owner: call.args[1] as string, threshold: Number(call.args[2]) };
        case "swapOwner":
          return { kind: "swapOwner", oldOwner: call.args[1] as string, newOwner: call.args[2] as string };
        case "changeThreshold":
          return { kind: "changeThreshold", threshold: Number(call.args[0]) };
        case "enableModule":
          return { kind: "enableModule", module: call.args[0] as string };
        case "disableModule":
          return { kind: "disableModule", module: call.args[1] as string };
      }
    }
  }
  return { kind: "call", to, value, selector, operation };
}

/** An argument as text: integers in decimal, a struct as `(field=value, …)`. */
function argumentText(value: unknown): string {
  if (value instanceof ethers.Result) {
    return `(${Object.entries(value.toObject())
      .map(([field, inner]) => `${field}=${argumentText(inner)}`)
      .join(", ")})`;
  }
  return String(value);
}

function tryParse(iface: ethers.Interface, data: string): ethers.TransactionDescription | null {
  try {
    return iface.parseTransaction({ data });
  } catch {
    return null;
  }
}

/** A token's symbol and decimals, for amounts people read. */
export interface TokenLabel {
  readonly symbol: string;
  readonly decimals: number;
}

/** The symbol and decimals of a token address (checksummed), when known. */
export type TokenLabels = (token: string) => TokenLabel | undefined;

/** An amount in a token's units: `250 tUSDC`, `12.5 tUSDC`. */
export const formatTokenAmount = (amount: bigint | string, label: TokenLabel): string =>
  `${ethers.formatUnits(amount, label.decimals).replace(/\.0$/, "")} ${label.symbol}`;

/**
 * What a transaction sends out of the Safe, by token (ERC-20 address, or `ETH`), summed over a batch's calls:
 * ERC-20 transfers and plain ETH transfers. Other calls may move funds too; they are not counted.
 */
export function outgoingTransfers(description: SafeCallDescription): Map<string, bigint> {
  const totals = new Map<string, bigint>();
  const add = (token: string, amount: bigint) => totals.set(token, (totals.get(token) ?? 0n) + amount);
  const visit = (call: SafeCallDescription): void => {
    if (call.kind === "erc20Transfer") add(call.token, BigInt(call.amount));
    else if (call.kind === "ethTransfer") add("ETH", BigInt(call.value));
    else if (call.kind === "batch") call.calls.forEach(visit);
    else if (call.kind === "call" && call.value !== "0") add("ETH", BigInt(call.value));
  };
  visit(description);
  return totals;
}

/**
 * One readable line per call (a batch gives a header and its calls, indented). Transfers read in token units
 * (`transfer 250 tUSDC to 0x…`) when `tokens` knows the token, else in base units with the token's address.
 */
export function formatDescription(
  description: SafeCallDescription,
  indent = "",
  tokens: TokenLabels = () => undefined,
): string[] {
  switch (description.kind) {
    case "erc20Transfer": {
      const label = tokens(description.token);
      return [
        label === undefined
          ? `${indent}transfer ${description.amount} base units of token ${description.token} to ${description.to}`
          : `${indent}transfer ${formatTokenAmount(description.amount, label)} to ${description.to}`,
      ];
    }
    case "ethTransfer":
      return [
        `${indent}transfer ${formatTokenAmount(description.value, { symbol: "ETH", decimals: 18 })} to ${description.to}`,
      ];
    case "addOwner":
      return [`${indent}add owner ${description.owner}, threshold ${description.threshold}`];
    case "removeOwner":
      return [`${indent}remove owner ${description.owner}, threshold ${description.threshold}`];
    case "swapOwner":
      return [`${indent}replace owner ${description.oldOwner} by ${description.newOwner}`];
    case "changeThreshold":
      return [`${indent}change the threshold to ${description.threshold}`];
    case "enableModule":
    case "disableModule":
      return [`${indent}${description.kind === "enableModule" ? "enable" : "disable"} module ${description.module}`];
    case "treasuryPolicy":
      return [
        `${indent}treasury policy ${description.call}(` +
          `${Object.entries(description.args)
            .map(([name, value]) => `${name}=${value}`)
            .join(", ")}) on module ${description.module}`,
      ];
    case "batch":
      return [
        `${indent}batch of ${description.calls.length} calls (MultiSend):`,
        ...description.calls.flatMap((call, index) =>
          formatDescription(call, `${indent}  ${index + 1}. `, tokens).map((line, lineIndex) =>
            lineIndex === 0 ? line : `${indent}     ${line.trimStart()}`,
          ),
        ),
      ];
    case "call":
      return [
        `${indent}${description.operation === 1 ? "delegatecall" : "call"} ${description.selector} on ` +
          `${description.to}${description.value !== "0" ? ` with ${description.value} wei` : ""}`,
      ];
  }
}
