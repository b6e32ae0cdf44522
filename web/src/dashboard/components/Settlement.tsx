import type { indexer, TokenInfo } from "@coffer/sdk";
import { useId, useState } from "react";
import { formatAmount, formatDay, shortAddress } from "../../shared/format";
import { ProblemBanner } from "../../shared/components/ProblemBanner";
import { useIndexed } from "../use-indexed";
import { isIndexerDown } from "../use-live";
import { BarChart, type Bar } from "./BarChart";

const DAY = 86_400;
/** Longest range drawn day by day; longer ones show only the days with entries. */
const MAX_FILLED_DAYS = 92;

/** `YYYY-MM-DD` of a unix time, in UTC (the report's days are UTC days). */
export const utcDay = (seconds: number): string => new Date(seconds * 1000).toISOString().slice(0, 10);
const dayStart = (day: string): number => Date.parse(`${day}T00:00:00Z`) / 1000;

/** Every UTC day from `from` to `to` inclusive, when there are few enough to draw. */
function daysBetween(from: string, to: string): string[] | undefined {
  const start = dayStart(from);
  const end = dayStart(to);
  if ((end - start) / DAY + 1 > MAX_FILLED_DAYS) return undefined;
  const days: string[] = [];
  for (let time = start; time <= end; time += DAY) days.push(utcDay(time));
  return days;
}

/** The settlement report's query string (the indexer's `/reports/settlement`). */
export function settlementQuery(query: {
  merchant: string;
  token: string;
  from: number;
  to: number;
  chainId: number;
  format: "json" | "csv";
}): string {
  return new URLSearchParams({
    merchant: query.merchant.toLowerCase(),
    token: query.token.toLowerCase(),
    from: String(query.from),
    to: String(query.to),
    chainId: String(query.chainId),
    format: query.format,
  }).toString();
}

/**
 * Net settlement per UTC day for a token and a range of days, as a bar chart and a table, with the totals and a
 * CSV download of the same report.
 */
export function Settlement(props: {
  merchant: string;
  chainId: number;
  indexer: indexer.IndexerClient;
  /** Tokens the merchant has dealt in, lower-case. */
  tokenChoices: readonly string[];
  /** False while the merchant's balances and payments are not loaded: no tokens is then not known. */
  tokensKnown: boolean;
  tokens: ReadonlyMap<string, TokenInfo>;
  block: number | undefined;
  /** The chain's time, for the default range (the last 30 days). */
  now: number;
}) {
  const id = useId();
  const [picked, setPicked] = useState<string>();
  const token = picked !== undefined && props.tokenChoices.includes(picked) ? picked : props.tokenChoices[0];
  const [range, setRange] = useState<{ from: string; to: string }>();
  const today = utcDay(props.now);
  const from = range?.from ?? utcDay(props.now - 29 * DAY);
  const to = range?.to ?? today;
  const rangeError =
    from === "" || to === ""
      ? "Choose both days."
      : from > to
        ? "The first day must not be after the last."
        : undefined;
  const fromTime = from === "" ? 0 : dayStart(from);
  const toTime = to === "" ? 0 : dayStart(to) + DAY; // the report's `to` is exclusive: through the end of `to`
  const ready = token !== undefined && rangeError === undefined;
  const report = useIndexed<indexer.SettlementReport | undefined>(
    () =>
      ready
        ? props.indexer.settlementReport({
            merchant: props.merchant,
            token,
            from: fromTime,
            to: toTime,
            chainId: props.chainId,
          })
        : Promise.resolve(undefined),
    ready ? `${props.merchant}:${token}:${fromTime}:${toTime}` : "none",
    ready ? props.block : undefined,
  );
  const info = token === undefined ? undefined : props.tokens.get(token);
  const money = (value: bigint) => (info ? formatAmount(value, info) : value.toString());
  const data = ready ? report.data : undefined;

  const byDay = new Map((data?.days ?? []).map((day) => [day.date, day]));
  const days = ready ? (daysBetween(from, to) ?? [...byDay.keys()]) : [];
  const bars: Bar[] = days.map((day) => {
    const net = byDay.get(day)?.net ?? 0n;
    return { key: day, label: formatDay(day), value: net, valueText: money(net) };
  });
  const csvHref =
    ready && token !== undefined
      ? `${props.indexer.url}/reports/settlement?${settlementQuery({
          merchant: props.merchant,
          token,
          from: fromTime,
          to: toTime,
          chainId: props.chainId,
          format: "csv",
        })}`
      : undefined;

  return (
    <section className="card" aria-labelledby="settlement-heading" data-testid="settlement">
      <h2 id="settlement-heading">Settlement</h2>
      {props.tokenChoices.length === 0 ? (
        <p className={props.tokensKnown ? undefined : "hint"}>
          {props.tokensKnown
            ? "Nothing settled yet: the report appears once the merchant is paid in a token."
            : "Not loaded yet: waiting for the merchant's payments."}
        </p>
      ) : (
        <form className="filters" aria-label="Settlement report range" onSubmit={(event) => event.preventDefault()}>
          <div className="field">
            <label htmlFor={`${id}-token`}>Token</label>
            <select
              id={`${id}-token`}
              value={token}
              onChange={(event) => setPicked(event.target.value)}
              data-testid="settlement-token"
            >
              {props.tokenChoices.map((choice) => (
                <option key={choice} value={choice}>
                  {props.tokens.get(choice)?.symbol ?? shortAddress(choice)}
                </option>
              ))}
            </select>
          </div>
          <div className="field">
            <label htmlFor={`${id}-from`}>First day (UTC)</label>
            <input
              id={`${id}-from`}
              type="date"
              value={from}
              max={to || undefined}
              onChange={(event) => setRange({ from: event.target.value, to })}
              data-testid="settlement-from"
            />
          </div>
          <div className="field">
            <label htmlFor={`${id}-to`}>Last day (UTC)</label>
            <input
              id={`${id}-to`}
              type="date"
              value={to}
              min={from || undefined}
              onChange={(event) => setRange({ from, to: event.target.value })}
              data-testid="settlement-to"
            />
          </div>
        </form>
      )}
      {rangeError !== undefined && (
        <p className="field-error" role="alert">
          {rangeError}
        </p>
      )}
      {!isIndexerDown(report.error) && <ProblemBanner error={report.error} />}
      {ready && report.loading && data === undefined && <p aria-busy="true">Loading the report…</p>}
      {data !== undefined && (
        <>
          <dl className="summary totals" data-testid="settlement-totals">
            <dt>Gross</dt>
            <dd data-testid="settlement-gross">{money(data.totals.gross)}</dd>
            <dt>Fees</dt>
            <dd data-testid="settlement-fees">{money(data.totals.fees)}</dd>
            <dt>Refunds</dt>
            <dd data-testid="settlement-refunds">{money(data.totals.refunds)}</dd>
            <dt>Net</dt>
            <dd data-testid="settlement-net">{money(data.totals.net)}</dd>
          </dl>
          <BarChart
            title={`Net settlement per day in ${info?.symbol ?? "the token"}`}
            summary={`${formatDay(from)} to ${formatDay(to)}: ${money(data.totals.net)} net over ${data.days.length} day${
              data.days.length === 1 ? "" : "s"
            } with entries.`}
            bars={bars}
            formatValue={money}
          />
          <details>
            <summary>Show the days as a table</summary>
            <table data-testid="settlement-table">
              <caption className="visually-hidden">Settlement per day</caption>
              <thead>
                <tr>
                  <th scope="col">Day (UTC)</th>
                  <th scope="col" className="number">
                    Gross
                  </th>
                  <th scope="col" className="number">
                    Fees
                  </th>
                  <th scope="col" className="number">
                    Refunds
                  </th>
                  <th scope="col" className="number">
                    Net
                  </th>
                  <th scope="col" className="number">
                    Entries
                  </th>
                </tr>
              </thead>
              <tbody>
                {data.days.map((day) => (
                  <tr key={day.date}>
                    <th scope="row">{formatDay(day.date)}</th>
                    <td className="number">{money(day.gross)}</td>
                    <td className="number">{money(day.fees)}</td>
                    <td className="number">{money(day.refunds)}</td>
                    <td className="number">{money(day.net)}</td>
                    <td className="number">{day.entries}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </details>
        </>
      )}
      {csvHref !== undefined && (
        <p>
          <a
            href={csvHref}
            download={`settlement-${info?.symbol ?? "token"}-${from}-to-${to}.csv`}
            data-testid="settlement-csv"
          >
            Download CSV
          </a>
        </p>
      )}
    </section>
  );
}
