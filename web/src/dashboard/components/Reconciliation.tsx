import type { indexer, TokenInfo } from "@coffer/sdk";
import { formatUnits, shortAddress } from "../../shared/format";
import { ProblemBanner } from "../../shared/components/ProblemBanner";
import type { Indexed } from "../use-indexed";
import { isIndexerDown } from "../use-live";

const CHECKS: Readonly<Record<string, string>> = {
  balance: "Token balance",
  escrow: "Escrow holdings",
};

/** Whether the indexer's balances match `balanceOf` on chain, and every difference when they do not. */
export function Reconciliation(props: {
  report: Indexed<indexer.ReconciliationReport>;
  chainId: number;
  tokens: ReadonlyMap<string, TokenInfo>;
}) {
  const { data, error, loading } = props.report;
  const chain = data?.chains.find((entry) => entry.chainId === props.chainId);
  const amount = (value: bigint, token: string) => {
    const info = props.tokens.get(token.toLowerCase());
    return info ? `${formatUnits(value, info.decimals)} ${info.symbol}` : `${value.toString()} (base units)`;
  };
  return (
    <section className="card" aria-labelledby="reconciliation-heading" data-testid="reconciliation">
      <h2 id="reconciliation-heading">Reconciliation</h2>
      {!isIndexerDown(error) && <ProblemBanner error={error} />}
      {data === undefined && isIndexerDown(error) && <p className="hint">Not loaded yet: waiting for the indexer.</p>}
      {loading && data === undefined && <p aria-busy="true">Checking the index against the chain…</p>}
      {data !== undefined && chain === undefined && (
        <p data-testid="reconciliation-status" data-ok="unknown">
          The indexer reports nothing for chain {props.chainId} yet.
        </p>
      )}
      {data !== undefined && chain !== undefined && chain.differences.length === 0 && (
        <p data-testid="reconciliation-status" data-ok="true">
          <span className="badge badge-ok">Balanced</span> All {chain.checked} indexed balances match the chain at block{" "}
          {chain.block}.
        </p>
      )}
      {data !== undefined && chain !== undefined && chain.differences.length > 0 && (
        <>
          <p data-testid="reconciliation-status" data-ok="false">
            <span className="badge badge-bad">Mismatch</span> {chain.differences.length} of {chain.checked} balances
            differ from the chain at block {chain.block}. Payments shown here may be incomplete until the index is
            repaired.
          </p>
          <div className="table-scroll">
            <table>
              <caption className="visually-hidden">Differences between the index and the chain</caption>
              <thead>
                <tr>
                  <th scope="col">Check</th>
                  <th scope="col">Account</th>
                  <th scope="col" className="number">
                    Indexed
                  </th>
                  <th scope="col" className="number">
                    On chain
                  </th>
                  <th scope="col" className="number">
                    Difference
                  </th>
                </tr>
              </thead>
              <tbody>
                {chain.differences.map((difference) => (
                  <tr
                    key={`${difference.check}:${difference.account}:${difference.token}`}
                    data-testid="reconciliation-difference"
                  >
                    <td>{CHECKS[difference.check] ?? difference.check}</td>
                    <td>
                      <code title={difference.account}>{shortAddress(difference.account)}</code>
                    </td>
                    <td className="number">{amount(difference.indexed, difference.token)}</td>
                    <td className="number">{amount(difference.onChain, difference.token)}</td>
                    <td className="number">{amount(difference.difference, difference.token)}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        </>
      )}
    </section>
  );
}
