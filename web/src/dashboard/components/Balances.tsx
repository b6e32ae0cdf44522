import type { indexer, TokenInfo } from "@coffer/sdk";
import { formatUnits, shortAddress } from "../../shared/format";
import { ProblemBanner } from "../../shared/components/ProblemBanner";
import type { Indexed } from "../use-indexed";
import { isIndexerDown } from "../use-live";

/** The merchant's token balances, as the indexer sums its tokens' transfers. */
export function Balances(props: {
  balances: Indexed<indexer.IndexedTokenBalance[]>;
  tokens: ReadonlyMap<string, TokenInfo>;
}) {
  const { data, error, loading } = props.balances;
  return (
    <section className="card" aria-labelledby="balances-heading" data-testid="balances">
      <h2 id="balances-heading">Balances</h2>
      {!isIndexerDown(error) && <ProblemBanner error={error} />}
      {data === undefined && isIndexerDown(error) && <p className="hint">Not loaded yet: waiting for the indexer.</p>}
      {loading && data === undefined && <p aria-busy="true">Loading balances…</p>}
      {data !== undefined && data.length === 0 && <p>No token balances yet.</p>}
      {data !== undefined && data.length > 0 && (
        <ul className="balances">
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
