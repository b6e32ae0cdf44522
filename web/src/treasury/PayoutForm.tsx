import { CofferValidationError, indexer, type TokenInfo } from "@coffer/sdk";
import {
  buildSafeTransactionFile,
  mergeSignatures,
  signSafeTransactionFile,
  type SafeTransactionFile,
} from "@coffer/sdk/safe-tx";
import { ethers } from "ethers";
import { useCallback, useState, type FormEvent } from "react";
import { Steps } from "../shared/components/Steps";
import { formatAmount } from "../shared/format";
import type { TreasuryReaders } from "./read-client";
import { TreasuryProblem } from "./TreasuryProblem";
import { usePolling } from "./use-polling";
import { useAction } from "./use-action";

const SIGN = "Sign the payout proposal in your wallet";
const SHARE = "Propose it to the other owners through the approval service";
const erc20 = new ethers.Interface(["function transfer(address to, uint256 amount) returns (bool)"]);

/** The Safe's token balances as the indexer has them, with each token's symbol and decimals. */
async function loadHoldings(readers: TreasuryReaders, chainId: number, safe: string) {
  const balances: indexer.IndexedTokenBalance[] = await readers.indexer.balances(chainId, safe);
  return Promise.all(
    balances
      .filter((row) => row.balance > 0n)
      .map(async (row) => ({ token: await readers.token(row.token), balance: row.balance })),
  );
}

/** `text` in the token's units as base units, or a readable refusal. */
function parseAmount(text: string, token: TokenInfo, balance: bigint): bigint {
  let amount: bigint;
  try {
    amount = ethers.parseUnits(text.trim().replace(/,/g, ""), token.decimals);
  } catch {
    throw new CofferValidationError(
      "amount",
      `"${text}" is not an amount of ${token.symbol} (at most ${token.decimals} decimals)`,
    );
  }
  if (amount <= 0n) throw new CofferValidationError("amount", "must be more than zero");
  if (amount > balance) {
    throw new CofferValidationError(
      "amount",
      `the Safe holds ${formatAmount(balance, token)}: it cannot pay ${formatAmount(amount, token)}`,
    );
  }
  return amount;
}

/**
 * A payout from the Safe, proposed by the connected owner: an ERC-20 transfer that the owner signs here and shares
 * through the approval service, where the other owners sign and execute it from the queue.
 */
export function PayoutForm(props: {
  readers: TreasuryReaders;
  chainId: number;
  safe: string;
  signer?: ethers.Signer;
  onProposed: (file: SafeTransactionFile) => void;
}) {
  const { readers, chainId, safe, signer } = props;
  const load = useCallback(() => loadHoldings(readers, chainId, safe), [readers, chainId, safe]);
  const holdings = usePolling(load, 4_000);
  const action = useAction();
  const [token, setToken] = useState("");
  const [recipient, setRecipient] = useState("");
  const [amountText, setAmountText] = useState("");
  const [note, setNote] = useState("");
  const [proposed, setProposed] = useState<SafeTransactionFile>();
  const service = readers.service;
  const options = holdings.data ?? [];
  const chosen = options.find((option) => option.token.address === token) ?? options[0];

  const submit = (event: FormEvent) => {
    event.preventDefault();
    void action.run([SIGN, SHARE], async (step) => {
      if (signer === undefined || service === undefined || chosen === undefined) return;
      if (!ethers.isAddress(recipient))
        throw new CofferValidationError("recipient", `"${recipient}" is not an address`);
      const to = ethers.getAddress(recipient);
      const amount = parseAmount(amountText, chosen.token, chosen.balance);
      const what = `Pay ${formatAmount(amount, chosen.token)} to ${to}`;
      const signed = await step(SIGN, async () => {
        const file = await buildSafeTransactionFile({
          runner: signer,
          safeAddress: safe,
          call: { to: chosen.token.address, value: 0n, data: erc20.encodeFunctionData("transfer", [to, amount]) },
          store: service,
          proposer: await signer.getAddress(),
          note: note.trim() === "" ? what : note.trim(),
        });
        return mergeSignatures(file, [await signSafeTransactionFile(signer, file)]);
      });
      const stored = await step(
        SHARE,
        () => service.add(signed),
        (file) => `Nonce ${file.transaction.nonce}`,
      );
      setProposed(stored);
      setAmountText("");
      props.onProposed(stored);
    });
  };

  return (
    <section className="card" aria-labelledby="payout-heading" data-testid="payout">
      <h2 id="payout-heading">Propose a payout</h2>
      {signer === undefined || service === undefined ? (
        <p>Connect an owner&apos;s wallet to propose a payout; the other owners approve it in the queue above.</p>
      ) : (
        <form onSubmit={submit}>
          <label htmlFor="payout-token">Token</label>
          <select
            id="payout-token"
            value={chosen?.token.address ?? ""}
            onChange={(event) => setToken(event.target.value)}
          >
            {options.map((option) => (
              <option key={option.token.address} value={option.token.address}>
                {option.token.symbol} (the Safe holds {formatAmount(option.balance, option.token)})
              </option>
            ))}
          </select>
          <label htmlFor="payout-recipient">Recipient</label>
          <input
            id="payout-recipient"
            value={recipient}
            onChange={(event) => setRecipient(event.target.value)}
            placeholder="0x…"
            size={44}
            autoComplete="off"
            spellCheck={false}
          />
          <label htmlFor="payout-amount">Amount{chosen ? ` (${chosen.token.symbol})` : ""}</label>
          <input
            id="payout-amount"
            value={amountText}
            onChange={(event) => setAmountText(event.target.value)}
            inputMode="decimal"
            autoComplete="off"
          />
          <label htmlFor="payout-note">Note for the other owners (optional)</label>
          <input id="payout-note" value={note} onChange={(event) => setNote(event.target.value)} size={44} />
          <p>
            <button type="submit" disabled={action.busy || chosen === undefined} data-testid="propose-payout">
              {action.busy ? "Proposing…" : "Sign and propose the payout"}
            </button>
          </p>
        </form>
      )}
      <Steps steps={action.steps} />
      <TreasuryProblem error={action.error} onDismiss={action.clearError} />
      {proposed && (
        <p className="notice" role="status" data-testid="payout-proposed">
          Proposed as nonce {proposed.transaction.nonce}, signed by you: it waits for the other owners in the queue.
        </p>
      )}
    </section>
  );
}
