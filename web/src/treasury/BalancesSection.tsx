import type { TokenInfo } from "@coffer/sdk";
import { useCallback } from "react";
import { formatAmount } from "../shared/format";
import type { TreasuryReaders } from "./read-client";
import { TreasuryProblem } from "./TreasuryProblem";
import { usePolling } from "./use-polling";

/** One row of the Safe's holdings. */
interface Holding {
  readonly token: Pick<TokenInfo, "symbol" | "decimals">;
  /** The ERC-20 address, or `native` for the chain's own coin. */
  readonly key: string;
  readonly balance: bigint;
}

/**
 * The Safe's holdings as the indexer has them: its ETH (POL on Polygon), read by the indexer at its indexed block
 * since plain ETH leaves no log, then each token it holds (sums of `Transfer` events).
 */
async function loadBalances(readers: TreasuryReaders, chainId: number, safe: string) {
  const [native, tokens] = await Promise.all([
    readers.indexer.nativeBalances({ accounts: [safe], chainId }),
    readers.indexer.balances(chainId, safe),
  ]);
  const coin = native.balances[0];
  const rows: Holding[] = [
    {
      key: "native",
      token: { symbol: native.symbol, decimals: native.decimals },
      balance: coin?.balance ?? 0n,
    },
    ...(await Promise.all(
      tokens
        .filter((row) => row.balance > 0n)
        .map(async (row) => ({ key: row.token, token: await readers.token(row.token), balance: row.balance })),
    )),
  ];
  return { rows, block: native.block };
}

/** What the Safe holds: ETH always (it is what pays for calls with value), tokens when non-zero. */
export function BalancesSection(props: { readers: TreasuryReaders; chainId: number; safe: string }) {
  const { readers, chainId, safe } = props;
  const load = useCallback(() => loadBalances(readers, chainId, safe), [readers, chainId, safe]);
  const balances = usePolling(load, 4_000);
  return (
    <section className="card" aria-labelledby="balances-heading" data-testid="safe-balances">
      <h2 id="balances-heading">Balances</h2>
      <TreasuryProblem error={balances.error} />
      {balances.data === undefined && balances.error === undefined && <p aria-busy="true">Loading balances…</p>}
      {balances.data && (
        <>
          <ul>
            {balances.data.rows.map((row) => (
              <li key={row.key} data-testid="safe-balance" data-token={row.key}>
                {formatAmount(row.balance, row.token)}
              </li>
            ))}
          </ul>
          <p className="hint">As indexed at block {balances.data.block}.</p>
        </>
      )}
    </section>
  );
}
