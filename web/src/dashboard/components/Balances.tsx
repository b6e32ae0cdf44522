import type { indexer, TokenInfo } from "@coffer/sdk";
import { formatUnits, shortAddress } from "../../shared/format";
import { ProblemBanner } from "../../shared/components/ProblemBanner";
import type { Indexed } from "../use-indexed";
import { isIndexerDown } from "../use-live";

/**
 * The merchant's balances: its ETH (POL on Polygon) when it holds some, as the indexer reads it with
 * `eth_getBalance` at its indexed block (plain ETH leaves no log), then its tokens, as the indexer sums their
 * transfers.
 */
export function Balances(props: {
  balances: Indexed<indexer.IndexedTokenBalance[]>;
  native: Indexed<indexer.NativeBalanceReport | undefined>;
  tokens: ReadonlyMap<string, TokenInfo>;
}) {
  const { data, error, loading } = props.balances;
  const report = props.native.data;
  const coin = report?.balances[0];
  const native = report !== undefined && coin !== undefined && coin.balance > 0n ? { report, coin } : undefined;
  return (
    <section className="card" aria-labelledby="balances-heading" data-testid="balances">
      <h2 id="balances-heading">Balances</h2>
      {!isIndexerDown(error) && <ProblemBanner error={error} />}
      {data === undefined && isIndexerDown(error) && <p className="hint">Not loaded yet: waiting for the indexer.</p>}
      {loading && data === undefined && <p aria-busy="true">Loading balances…</p>}
      {!isIndexerDown(props.native.error) && <ProblemBanner error={props.native.error} />}
      {data !== undefined && data.length === 0 && native === undefined && <p>No token balances yet.</p>}
      {data !== undefined && (data.length > 0 || native !== undefined) && (
        <ul className="balances">
          {native !== undefined && (
            <li data-testid="balance" data-token="native" title={`As indexed at block ${native.report.block}`}>
              <span className="amount-large" data-testid="balance-amount">
                {formatUnits(native.coin.balance, native.report.decimals)}
              </span>{" "}
              <span className="balance-symbol">{native.report.symbol}</span>
            </li>
          )}
          {data.map((balance) => {
            const token = props.tokens.get(balance.token);
            return (
              <li key={balance.token} data-testid="balance" data-token={balance.token}>
                <span className="amount-large" data-testid="balance-amount">
                  {token ? formatUnits(balance.balance, token.decimals) : "…"}
                </span>{" "}
                <span className="balance-symbol" title={balance.token}>
                  {token?.symbol ?? shortAddress(balance.token)}
                </span>
              </li>
            );
          })}
        </ul>
      )}
    </section>
  );
}
