/**
 * What the page asks of the wallet, as it happens: every signature and transaction request, when it is answered
 * and with what hash. The checkout's progress list is built from these, so that it shows the wallet's real steps
 * (a permit signed, an approval sent, the payment sent) whatever the SDK decided to do.
 */
import type { Eip1193Provider } from "./eip1193";

/** ERC-20 `approve(address,uint256)`. */
const APPROVE_SELECTOR = "0x095ea7b3";

export type WalletActivity =
  | { readonly kind: "approve" | "transaction" | "signature"; readonly stage: "requested" }
  | { readonly kind: "approve" | "transaction"; readonly stage: "sent"; readonly hash: string }
  | { readonly kind: "signature"; readonly stage: "signed" }
  | { readonly kind: "approve" | "transaction" | "signature"; readonly stage: "failed"; readonly error: unknown };

export type ActivityListener = (activity: WalletActivity) => void;

/** Wraps a provider so that `listeners` hear of each signing request and its outcome. */
export function trackActivity(provider: Eip1193Provider): {
  provider: Eip1193Provider;
  subscribe(listener: ActivityListener): () => void;
} {
  const listeners = new Set<ActivityListener>();
  const emit = (activity: WalletActivity) => listeners.forEach((listener) => listener(activity));
  const tracked: Eip1193Provider = {
    async request(args) {
      const params = Array.isArray(args.params) ? args.params : [];
      let kind: "approve" | "transaction" | "signature" | undefined;
      if (args.method === "eth_sendTransaction") {
        const data = String((params[0] as { data?: string } | undefined)?.data ?? "0x");
        kind = data.toLowerCase().startsWith(APPROVE_SELECTOR) ? "approve" : "transaction";
      } else if (args.method === "eth_signTypedData_v4") {
        kind = "signature";
      }
      if (kind === undefined) return provider.request(args);
      emit({ kind, stage: "requested" });
      try {
        const result = await provider.request(args);
        if (kind === "signature") emit({ kind, stage: "signed" });
        else emit({ kind, stage: "sent", hash: String(result) });
        return result;
      } catch (error) {
        emit({ kind, stage: "failed", error });
        throw error;
      }
    },
    on: provider.on?.bind(provider),
    removeListener: provider.removeListener?.bind(provider),
  };
  return {
    provider: tracked,
    subscribe(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
  };
}
