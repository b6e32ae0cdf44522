/** Amounts, addresses and times as readers expect them, in their own locale. */
import { ethers } from "ethers";

/** The reader's locale (the browser's first language). */
export const locale = (): string => (typeof navigator !== "undefined" ? navigator.language : "en-US");

/**
 * `amount` base units of a token with `decimals`, grouped and with the decimal mark of the reader's locale;
 * shows at least `minimumFractionDigits` and every significant digit up to the token's decimals (never rounded,
 * since money shown rounded is money misread).
 */
export function formatUnits(amount: bigint, decimals: number, minimumFractionDigits = 2): string {
  const negative = amount < 0n;
  const [whole = "0", fraction = ""] = ethers.formatUnits(negative ? -amount : amount, decimals).split(".");
  const trimmed = fraction.replace(/0+$/, "").padEnd(Math.min(minimumFractionDigits, decimals), "0");
  const group = new Intl.NumberFormat(locale(), { useGrouping: true });
  const parts = new Intl.NumberFormat(locale(), { minimumFractionDigits: 1 }).formatToParts(1.5);
  const decimalMark = parts.find((part) => part.type === "decimal")?.value ?? ".";
  const wholeText = group.format(BigInt(whole));
  return `${negative ? "−" : ""}${wholeText}${trimmed.length > 0 ? decimalMark + trimmed : ""}`;
}

/** An amount with its symbol, e.g. `1,234.50 tUSDC`. */
export function formatAmount(amount: bigint, token: { decimals: number; symbol: string }): string {
  return `${formatUnits(amount, token.decimals)} ${token.symbol}`;
}

/** `0x1234…abcd`. */
export function shortAddress(address: string): string {
  return address.length > 12 ? `${address.slice(0, 6)}…${address.slice(-4)}` : address;
}

/** A unix time in the reader's locale and time zone. */
export function formatTime(seconds: bigint | number): string {
  return new Intl.DateTimeFormat(locale(), { dateStyle: "medium", timeStyle: "short" }).format(
    new Date(Number(seconds) * 1000),
  );
}

/** A UTC day (YYYY-MM-DD) in the reader's locale. */
export function formatDay(day: string): string {
  return new Intl.DateTimeFormat(locale(), { dateStyle: "medium", timeZone: "UTC" }).format(
    new Date(`${day}T00:00:00Z`),
  );
}

/** Basis points as a percentage, e.g. 250 → `2.5%`. */
export function formatBps(bps: number): string {
  return new Intl.NumberFormat(locale(), { style: "percent", maximumFractionDigits: 2 }).format(bps / 10_000);
}
