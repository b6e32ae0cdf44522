import type { CofferClient } from "../client";
import type { SafeTransactionFile } from "../safe/file-format";
import { getBalance, getTokenInfo, NATIVE_TOKEN } from "../tokens";
import { describeSafeTransaction, outgoingTransfers, type TokenLabel } from "./describe";

/** What a Safe transaction spends beyond what the Safe holds, for one token (amounts in base units, wei for ETH). */
export interface SafeShortfall {
  /** The ERC-20 address, or `ETH`. */
  readonly token: string;
  /** The token's symbol and decimals; undefined when the token does not answer them. */
  readonly label: TokenLabel | undefined;
  readonly needed: bigint;
  readonly held: bigint;
  /** `needed − held`, more than zero. */
  readonly short: bigint;
}

/** The labels of the tokens a transaction sends out, and what it lacks to be executed. */
export interface SafeFunds {
  /** Symbol and decimals by token (ERC-20 address or `ETH`), for those that answered. */
  readonly labels: ReadonlyMap<string, TokenLabel>;
  /** Empty when the Safe holds what the transaction sends. */
  readonly shortfalls: readonly SafeShortfall[];
}

const ETH_LABEL: TokenLabel = { symbol: "ETH", decimals: 18 };

/**
 * Compares what a transaction sends out of the Safe (ERC-20 and ETH transfers, summed over a batch; see
 * {@link outgoingTransfers}) with the Safe's balances now. Each transaction is checked on its own: two pending
 * ones that each fit may not both fit. A balance that cannot be read counts as no shortfall.
 */
export async function readSafeFunds(
  client: Pick<CofferClient, "provider">,
  file: SafeTransactionFile,
): Promise<SafeFunds> {
  const labels = new Map<string, TokenLabel>();
  const shortfalls: SafeShortfall[] = [];
  for (const [token, needed] of outgoingTransfers(describeSafeTransaction(file))) {
    const address = token === "ETH" ? NATIVE_TOKEN : token;
    const label = token === "ETH" ? ETH_LABEL : await getTokenInfo(client, address).catch(() => undefined);
    if (label !== undefined) labels.set(token, { symbol: label.symbol, decimals: label.decimals });
    const held = await getBalance(client, address, file.safeAddress).catch(() => undefined);
    if (held !== undefined && held < needed) {
      shortfalls.push({ token, label: labels.get(token), needed, held, short: needed - held });
    }
  }
  return { labels, shortfalls };
}
