import { useEffect, useState } from "react";
import type { WebConfig } from "../shared/config";
import { ProblemBanner } from "../shared/components/ProblemBanner";
import { Steps } from "../shared/components/Steps";
import { WalletPanel } from "../shared/components/WalletPanel";
import { formatAmount } from "../shared/format";
import { indexerClient, readClient, tokenSupportsPermit } from "../shared/read-client";
import { useWallet } from "../wallet/use-wallet";
import { checkPayable, CheckoutBlockedError, loadDetails, type CheckoutDetails } from "./details";
import { Receipt } from "./Receipt";
import { readCheckoutRequest } from "./request";
import { Summary } from "./Summary";
import { usePayment } from "./use-payment";

/** The performance mark set once the checkout is ready to use: the request shown, checked, its wallets listed. */
export const INTERACTIVE_MARK = "coffer:checkout-interactive";

/** How often the page asks the indexer again whether the request is still payable. */
const RECHECK_MS = 3_000;

const ACTION = { invoice: "Pay", order: "Place order:", plan: "Subscribe:" } as const;

/** The time of the indexer's last block (the chain's clock as Coffer sees it), else this machine's. */
async function indexedNow(config: WebConfig): Promise<bigint> {
  const status = await indexerClient(config).status();
  const chain = Object.values(status).find((entry) => entry.id === config.chainId);
  return BigInt(chain?.block?.timestamp ?? Math.floor(Date.now() / 1000));
}

/** A blocked request is shown as such; anything else (the indexer unreachable) as a problem. */
function Blocked(props: { error: unknown }) {
  if (props.error instanceof CheckoutBlockedError) {
    return (
      <div className="problem" role="alert" data-testid="problem">
        <strong className="problem-title">{props.error.title}</strong>
        <p className="problem-detail">{props.error.message}</p>
      </div>
    );
  }
  return <ProblemBanner error={props.error} />;
}

/** The checkout: what is asked, the wallet, the pay button, the steps and the receipt. */
export function CheckoutPage({ config }: { config: WebConfig }) {
  const wallet = useWallet(config);
  const [details, setDetails] = useState<CheckoutDetails>();
  const [linkError, setLinkError] = useState<unknown>();
  const [blocked, setBlocked] = useState<unknown>();
  const [checked, setChecked] = useState(false);
  const [permitSupported, setPermitSupported] = useState(false);
  const payment = usePayment(config, details);
  const account = wallet.state.status === "connected" ? wallet.state.account : undefined;

  useEffect(() => {
    readClient(config)
      .then((client) => client.escrow.getAddress())
      .then((escrow) => readCheckoutRequest(window.location.search, config.chainId, escrow))
      .then((request) => loadDetails(config, request))
      .then(setDetails, setLinkError);
  }, [config]);

  useEffect(() => {
    if (details === undefined) return;
    void tokenSupportsPermit(config, details.token.address).then(setPermitSupported, () => setPermitSupported(false));
  }, [config, details]);

  useEffect(() => {
    if (details === undefined || payment.phase.kind === "done" || payment.phase.kind === "paying") return;
    let cancelled = false;
    const check = () =>
      indexedNow(config)
        .then((now) => checkPayable(config, details, account, now))
        .then(
          () => !cancelled && (setBlocked(undefined), setChecked(true)),
          (error: unknown) => !cancelled && (setBlocked(error), setChecked(true)),
        );
    void check();
    const timer = setInterval(check, RECHECK_MS);
    return () => {
      cancelled = true;
      clearInterval(timer);
    };
  }, [config, details, account, payment.phase.kind]);

  useEffect(() => {
    if (details !== undefined && checked && performance.getEntriesByName(INTERACTIVE_MARK).length === 0) {
      performance.mark(INTERACTIVE_MARK);
    }
  }, [details, checked]);

  if (linkError !== undefined) {
    return linkError instanceof Error && linkError.name === "CheckoutLinkError" ? (
      <div className="problem narrow" role="alert" data-testid="problem">
        <strong className="problem-title">This checkout link cannot be used</strong>
        <p className="problem-detail">{linkError.message}</p>
      </div>
    ) : (
      <div className="narrow">
        <Blocked error={linkError} />
      </div>
    );
  }
  if (details === undefined) return <p aria-busy="true">Reading the checkout link…</p>;

  const phase = payment.phase;
  const connected = wallet.state.status === "connected" ? wallet.state : undefined;
  const canPay =
    connected?.client !== undefined &&
    checked &&
    blocked === undefined &&
    phase.kind !== "paying" &&
    phase.kind !== "done";
  const kind = details.request.kind;
  return (
    <div className="narrow">
      <Summary config={config} details={details} />
      {phase.kind !== "done" && blocked !== undefined && <Blocked error={blocked} />}
      {phase.kind !== "done" && (
        <WalletPanel config={config} wallet={wallet} purpose="Pay from your own wallet: pick it to continue." />
      )}
      {connected?.client !== undefined && phase.kind !== "done" && (
        <button
          type="button"
          className="pay"
          data-testid="pay"
          disabled={!canPay}
          aria-busy={phase.kind === "paying"}
          onClick={() => {
            if (connected.client === undefined) return;
            void payment.start(connected.client, connected.account, permitSupported, connected.subscribe);
          }}
        >
          {phase.kind === "paying" ? "Paying…" : `${ACTION[kind]} ${formatAmount(details.amount, details.token)}`}
        </button>
      )}
      <Steps steps={payment.steps} />
      {phase.kind === "failed" && (
        <ProblemBanner error={phase.error} context={{ token: details.token }} onDismiss={payment.clearFailure} />
      )}
      {phase.kind === "done" && (
        <Receipt details={details} result={phase.result} recorded={payment.recorded} paidAt={phase.paidAt} />
      )}
    </div>
  );
}
