import { ethers } from "ethers";
import { useMemo, useState } from "react";
import { merchantName, type WebConfig } from "../shared/config";
import { ProblemBanner } from "../shared/components/ProblemBanner";
import { WalletPanel } from "../shared/components/WalletPanel";
import { useWallet } from "../wallet/use-wallet";
import { Balances } from "./components/Balances";
import { MerchantPicker } from "./components/MerchantPicker";
import { Payments } from "./components/Payments";
import { Reconciliation } from "./components/Reconciliation";
import { Settlement } from "./components/Settlement";
import { Subscriptions } from "./components/Subscriptions";
import { indexerClient } from "../shared/read-client";
import { merchantPayments, merchantPlans } from "./data";
import { useIndexed } from "./use-indexed";
import { RETRY_MS, useLiveBlock, useThrottledBlock } from "./use-live";
import { useTokens } from "./use-tokens";

/** The `?merchant=` of the page's address: the address when it is one, else the text to correct. */
function merchantFromUrl(): { address?: string; invalid?: string } {
  const value = new URLSearchParams(window.location.search).get("merchant");
  if (value === null || value === "") return {};
  return ethers.isAddress(value) ? { address: ethers.getAddress(value) } : { invalid: value };
}

/**
 * The merchant dashboard: balances, payments with the operator's actions, subscriptions, settlement and
 * reconciliation of one merchant, all read from the indexer and refreshed as it indexes new blocks.
 */
export function Dashboard(props: { config: WebConfig }) {
  const { config } = props;
  const wallet = useWallet(config);
  const client = useMemo(() => indexerClient(config), [config]);
  const live = useLiveBlock(client, config.chainId);
  const [fromUrl] = useState(merchantFromUrl);
  const [chosen, setChosen] = useState<string | undefined>(fromUrl.address);
  const connected = wallet.state.status === "connected" ? wallet.state : undefined;
  const merchant = chosen ?? config.merchant ?? connected?.account;
  const key = merchant?.toLowerCase() ?? "none";
  const chainId = config.chainId;

  const balances = useIndexed(
    () => (merchant ? client.balances(chainId, merchant) : Promise.resolve([])),
    `balances:${key}`,
    live.block,
  );
  const native = useIndexed(
    () => (merchant ? client.nativeBalances({ accounts: [merchant], chainId }) : Promise.resolve(undefined)),
    `native:${key}`,
    live.block,
  );
  const payments = useIndexed(
    () => (merchant ? merchantPayments(client, chainId, merchant) : Promise.resolve([])),
    `payments:${key}`,
    live.block,
  );
  const subscriptions = useIndexed(
    async () => {
      if (!merchant) return { list: [], plans: new Map() };
      const [page, plans] = await Promise.all([
        client.subscriptions(chainId, { merchant }, { limit: 1_000 }),
        merchantPlans(client, chainId, merchant),
      ]);
      return { list: page.items, plans };
    },
    `subscriptions:${key}`,
    live.block,
  );
  // The reconciliation reads every indexed balance on chain: rerun it at most every 10 seconds.
  const reconciledBlock = useThrottledBlock(live.block, 10_000);
  const reconciliation = useIndexed(() => client.reconciliation(chainId), "reconciliation", reconciledBlock);

  const tokenChoices = [
    ...new Set([
      ...(balances.data ?? []).map((balance) => balance.token),
      ...(payments.data ?? []).map((payment) => payment.token),
      ...[...(subscriptions.data?.plans.values() ?? [])].map((plan) => plan.token),
    ]),
  ];
  const reconciledTokens = (reconciliation.data?.chains ?? []).flatMap((chain) =>
    chain.differences.map((difference) => difference.token),
  );
  const tokens = useTokens(config, [...tokenChoices, ...reconciledTokens]);
  const now = live.timestamp ?? Math.floor(Date.now() / 1000);
  const actor =
    connected?.client !== undefined
      ? { account: connected.account, client: connected.client, subscribe: connected.subscribe }
      : undefined;

  const pick = (address: string) => {
    setChosen(address);
    const url = new URL(window.location.href);
    url.searchParams.set("merchant", address);
    window.history.replaceState(null, "", url);
  };

  return (
    <>
      <div className="dashboard-bar">
        <div>
          <MerchantPicker merchant={merchant} invalid={fromUrl.invalid} onPick={pick} />
          {merchant !== undefined && merchantName(config, merchant) !== undefined && (
            <p className="merchant-name" data-testid="merchant-name">
              {merchantName(config, merchant)}
            </p>
          )}
        </div>
        <p className="live" data-testid="live-status">
          {live.block === undefined ? (
            "Waiting for the indexer…"
          ) : (
            <>
              Indexed to block <span data-testid="indexed-block">{live.block}</span>
              {live.error === undefined ? <span className="live-dot" aria-hidden="true" /> : " (stale)"}
            </>
          )}
        </p>
      </div>
      {live.error !== undefined && (
        <div data-testid="indexer-problem">
          <ProblemBanner error={live.error} />
          <p className="hint" role="status">
            Retrying every {RETRY_MS / 1000} seconds; the page updates by itself when the indexer is back.
          </p>
        </div>
      )}
      <WalletPanel
        config={config}
        wallet={wallet}
        purpose="Connect the payments' operator wallet to capture, void or refund them. Reading needs no wallet."
      />
      {merchant === undefined ? (
        <p className="card" data-testid="no-merchant">
          Enter a merchant address above, or connect the merchant&apos;s wallet, to see its dashboard.
        </p>
      ) : (
        <>
          <Balances balances={balances} native={native} tokens={tokens} />
          <Payments payments={payments} tokens={tokens} wallet={actor} indexer={client} chainId={chainId} now={now} />
          <Subscriptions subscriptions={subscriptions} tokens={tokens} />
          <Settlement
            merchant={merchant}
            chainId={chainId}
            indexer={client}
            tokenChoices={tokenChoices}
            tokensKnown={balances.data !== undefined && payments.data !== undefined}
            tokens={tokens}
            block={live.block}
            now={now}
          />
          <Reconciliation report={reconciliation} chainId={chainId} tokens={tokens} />
        </>
      )}
    </>
  );
}
