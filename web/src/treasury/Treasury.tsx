import { ethers } from "ethers";
import { useEffect, useState } from "react";
import { WalletPanel } from "../shared/components/WalletPanel";
import type { WebConfig } from "../shared/config";
import { useWallet } from "../wallet/use-wallet";
import { BalancesSection } from "./BalancesSection";
import { PayoutForm } from "./PayoutForm";
import { PolicySection } from "./PolicySection";
import { QueueSection } from "./QueueSection";
import { createReaders, type TreasuryReaders } from "./read-client";
import { TreasuryProblem } from "./TreasuryProblem";

/** The Safe the page shows: `?safe=0x…`, else the app's treasury Safe. */
function safeFromPage(config: WebConfig): { safe?: string; problem?: string } {
  const requested = new URLSearchParams(window.location.search).get("safe") ?? config.treasurySafe;
  if (requested === undefined || requested === null || requested === "") {
    return { problem: "No Safe given: open this page with ?safe=0x… (the Safe's address)." };
  }
  if (!ethers.isAddress(requested)) return { problem: `${requested} is not an address: check the link's ?safe=.` };
  return { safe: ethers.getAddress(requested) };
}

/** The treasury page: the Safe's balances (ETH included), its transaction queue, its operator budgets and queued transfers. */
export function Treasury(props: { config: WebConfig }) {
  const { config } = props;
  const wallet = useWallet(config);
  const [readers, setReaders] = useState<TreasuryReaders>();
  const [readersError, setReadersError] = useState<unknown>();
  const [reloadKey, setReloadKey] = useState(0);
  const { safe, problem } = safeFromPage(config);

  useEffect(() => {
    createReaders(config).then(setReaders, setReadersError);
  }, [config]);

  const connected = wallet.state.status === "connected" ? wallet.state : undefined;
  const signer = connected?.client?.signer;
  const account = connected?.client ? connected.account : undefined;

  if (safe === undefined) {
    return (
      <p className="problem" role="alert">
        {problem}
      </p>
    );
  }
  return (
    <>
      <p>
        Safe <code data-testid="safe-address">{safe}</code> on {config.chainName}
      </p>
      <WalletPanel config={config} wallet={wallet} purpose="Connect an owner's wallet to sign and execute." />
      <TreasuryProblem error={readersError} />
      {readers && (
        <>
          <BalancesSection readers={readers} chainId={config.chainId} safe={safe} />
          <QueueSection
            readers={readers}
            chainId={config.chainId}
            safe={safe}
            account={account}
            signer={signer}
            reloadKey={reloadKey}
          />
          <PayoutForm
            readers={readers}
            chainId={config.chainId}
            safe={safe}
            signer={signer}
            onProposed={() => setReloadKey((key) => key + 1)}
          />
          <PolicySection
            readers={readers}
            chainId={config.chainId}
            safe={safe}
            signer={signer}
            onProposed={() => setReloadKey((key) => key + 1)}
          />
        </>
      )}
    </>
  );
}
