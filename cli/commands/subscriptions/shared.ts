import { CofferValidationError, getChainTime, signPermit, subscriptions, type SubscriptionStatus } from "@coffer/sdk";
import { ethers } from "ethers";
import { formatAmount, signerOf, tokenInfo, type Session } from "../../common";

/** The grace of a plan when `--grace` is not given, unless half the period is shorter: 3 days, in seconds. */
export const DEFAULT_GRACE = 3n * 86_400n;
/** A subscription's status for people (`--json` carries the SDK's name, e.g. `past_due`, as the indexer does). */
export const STATUS_LABEL: Readonly<Record<SubscriptionStatus, string>> = {
  none: "none",
  active: "active",
  past_due: "past due",
  paused: "paused",
  canceled: "canceled",
  lapsed: "lapsed",
};
/** Why a charge failed, by the contract's `FailureReason` number: as the indexer names it (`--json`) and for people. */
export const FAILURE = [
  { name: "allowance_too_low", label: "allowance too low" },
  { name: "balance_too_low", label: "balance too low" },
  { name: "transfer_failed", label: "transfer failed" },
  { name: "wrong_amount_delivered", label: "wrong amount delivered" },
] as const;

/** The plan's fields as JSON and its token. */
export async function readPlan(session: Session, planId: bigint) {
  const plan = await subscriptions.getPlan(session.client, planId).catch((error: unknown) => {
    if (error instanceof CofferValidationError) throw new Error(`plan ${planId} does not exist`);
    throw error;
  });
  const token = await tokenInfo(session, plan.token);
  return {
    token,
    // The contract's integers, as the JSON has always carried them (decimal strings).
    json: {
      planId,
      merchant: plan.merchant,
      payee: plan.payee,
      token: plan.token,
      amount: plan.amount,
      period: BigInt(plan.period),
      trial: BigInt(plan.trial),
      grace: BigInt(plan.grace),
      feeBps: BigInt(plan.feeBps),
      feeReceiver: plan.feeReceiver,
      retired: plan.retired,
    },
    lines: [
      ["plan", `${planId}${plan.retired ? " (retired)" : ""}`],
      ["price", `${formatAmount(plan.amount, token)} every ${seconds(plan.period)}`],
      ["payee", plan.payee],
      ["trial", seconds(plan.trial)],
      ["grace", seconds(plan.grace)],
      ["fee", `${Number(plan.feeBps) / 100}%`],
    ] as [string, string][],
  };
}

export const seconds = (value: bigint | number): string => {
  const n = Number(value);
  if (n === 0) return "none";
  for (const [unit, size] of [
    ["w", 604_800],
    ["d", 86_400],
    ["h", 3_600],
    ["m", 60],
  ] as const) {
    if (n % size === 0) return `${n / size}${unit}`;
  }
  return `${n}s`;
};

/** The EIP-2612 functions that tell whether a token takes permits. */
const PERMIT_ABI = [
  "function nonces(address) view returns (uint256)",
  "function DOMAIN_SEPARATOR() view returns (bytes32)",
];

/** Whether a token takes EIP-2612 permits (answers `nonces` and `DOMAIN_SEPARATOR`). */
export async function supportsPermit(session: Session, token: string): Promise<boolean> {
  const contract = new ethers.Contract(token, PERMIT_ABI, session.provider);
  try {
    await contract.getFunction("nonces")(session.account);
    await contract.getFunction("DOMAIN_SEPARATOR")();
    return true;
  } catch {
    return false;
  }
}

/** An EIP-2612 permit for `spender`, signed by the session's key, valid for an hour. */
export async function permitFor(session: Session, token: string, spender: string, value: bigint) {
  const deadline = (await getChainTime(session.provider)) + 3_600n;
  return { ...(await signPermit(signerOf(session), token, spender, value, deadline)), value };
}
