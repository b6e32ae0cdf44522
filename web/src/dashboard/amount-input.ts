/**
 * Amounts typed by the reader, in the reader's own notation: `1,234.50` in English, `1.234,50` in German. The
 * default shown in a field is written the same way, so that what the page proposes reads back as itself.
 */
import { ethers } from "ethers";
import { formatUnits, locale } from "../shared/format";

/** The reader's decimal mark and grouping separator. */
function separators(): { decimal: string; group: string } {
  const parts = new Intl.NumberFormat(locale()).formatToParts(12345.6);
  return {
    decimal: parts.find((part) => part.type === "decimal")?.value ?? ".",
    group: parts.find((part) => part.type === "group")?.value ?? ",",
  };
}

/** `amount` base units as the reader would type it: grouped, with every significant decimal. */
export function amountForInput(amount: bigint, decimals: number): string {
  return formatUnits(amount, decimals, 0);
}

/**
 * Reads a decimal amount in the reader's notation as base units of a token with `decimals`; undefined when it is
 * not a number or has more decimals than the token.
 */
export function parseAmount(text: string, decimals: number): bigint | undefined {
  const { decimal, group } = separators();
  // Spaces of any kind (French groups with narrow no-break spaces) and the locale's group mark are dropped.
  let cleaned = text.trim().replace(/[\s\u00a0\u202f_]/g, "");
  cleaned = cleaned.split(group).join("");
  if (decimal !== ".") cleaned = cleaned.split(decimal).join(".");
  if (!/^(\d+(\.\d*)?|\.\d+)$/.test(cleaned)) return undefined;
  try {
    return ethers.parseUnits(cleaned, decimals);
  } catch {
    return undefined; // more fraction digits than the token has
  }
}
