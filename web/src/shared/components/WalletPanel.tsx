import type { WebConfig } from "../config";
import { shortAddress } from "../format";
import { useWalletOptions } from "../../wallet/discover";
import type { useWallet } from "../../wallet/use-wallet";
import { ProblemBanner } from "./ProblemBanner";

/**
 * Picks and shows the wallet: the wallets found (EIP-6963, `window.ethereum`, local test accounts), the connected
 * account, and a switch-chain button when the wallet is on another chain.
 */
export function WalletPanel(props: { config: WebConfig; wallet: ReturnType<typeof useWallet>; purpose: string }) {
  const options = useWalletOptions(props.config);
  const { state, error, chainProblem, connect, switchChain, clearError } = props.wallet;
  return (
    <section className="card wallet" aria-labelledby="wallet-heading">
      <h2 id="wallet-heading">Wallet</h2>
      {state.status === "connected" ? (
        <p>
          Connected with {state.option.name}:{" "}
          <code data-testid="account" title={state.account}>
            {shortAddress(state.account)}
          </code>
        </p>
      ) : (
        <>
          <p>{props.purpose}</p>
          {options.length === 0 && (
            <p data-testid="no-wallet">No wallet found in this browser. Install a wallet extension and reload.</p>
          )}
          <ul className="wallet-options">
            {options.map((option) => (
              <li key={option.id}>
                <button
                  type="button"
                  onClick={() => void connect(option)}
                  disabled={state.status === "connecting"}
                  data-wallet={option.id}
                >
                  {option.icon && <img src={option.icon} alt="" width={20} height={20} />}
                  {state.status === "connecting" && state.option.id === option.id
                    ? `Connecting to ${option.name}…`
                    : `Connect ${option.name}`}
                </button>
              </li>
            ))}
          </ul>
        </>
      )}
      {chainProblem && (
        <div className="problem" role="alert" data-testid="wrong-chain">
          <strong className="problem-title">Wrong network</strong>
          <p className="problem-detail">{chainProblem.message}</p>
          <button type="button" onClick={() => void switchChain()}>
            Switch to {props.config.chainName}
          </button>
        </div>
      )}
      <ProblemBanner error={error} onDismiss={clearError} />
    </section>
  );
}
