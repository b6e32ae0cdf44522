/**
 * The story's cast, its clock's constants and the shape of its result: what `scripts/lib/scenario.ts` exports to
 * its callers, and what every step uses.
 */
import { ethers } from "ethers";
import { devPrivateKey } from "../local-chain";

/** Options of {@link runScenario}. */
export interface ScenarioOptions {
  /** JSON-RPC URL of a local chain (development accounts funded) where Coffer is deployed. */
  readonly rpcUrl: string;
  /** Folder holding the chain's deployment manifest (`<chainId>.json`). */
  readonly deploymentsDir: string;
  /** Receives one readable line per step. */
  readonly log?: (line: string) => void;
}

/** The people and wallets of the story, role → development account index. */
export const SCENARIO_ACCOUNTS = {
  /** Runs the shop's keeper jobs: subscription renewals, split distributions, sweeps. */
  keeper: 0,
  /** Owners of the 2-of-3 treasury Safe (created by the local deployment from accounts 1–3). */
  treasurySigner1: 1,
  treasurySigner2: 2,
  treasurySigner3: 3,
  /** The shop's backend: signs invoices, operates escrowed orders, publishes plans. */
  shop: 4,
  customerDana: 5,
  customerEli: 6,
  customerFay: 7,
  /** Settles disputes. */
  arbiter: 8,
  /** The payment processor: receives a 1% fee on escrowed orders. */
  processor: 9,
  /** The roasting partner: 15% of the revenue split (never sends a transaction). */
  partner: 10,
  /** The green-bean importer paid from the treasury (never sends a transaction). */
  supplier: 11,
  /** Cold storage: receives the treasury's USDC above its cap (never sends a transaction). */
  coldWallet: 12,
} as const;

export type ScenarioRole = keyof typeof SCENARIO_ACCOUNTS;

/** An escrowed order, a counter sale or an invoice payment as the story left it. */
export interface ScenarioPayment {
  /** EIP-712 payment id. */
  readonly id: string;
  readonly referenceId: string;
  readonly payer: string;
  readonly payee: string;
  /** Token address, the zero address for ETH. */
  readonly token: string;
  /** Amount authorized or charged, in token units (decimal string). */
  readonly amount: string;
  /** What happened to it in the story. */
  readonly story: string;
  /** The whole payment struct (integers as decimal strings), enough to act on it or recompute its id. */
  readonly payment: Record<string, string | number>;
}

/** An invoice as the story left it. */
export interface ScenarioInvoice {
  readonly id: string;
  readonly referenceId: string;
  readonly payee: string;
  readonly payer: string;
  readonly token: string;
  readonly amount: string;
}

/** What {@link runScenario} did: plain JSON. Amounts are decimal strings in token units. */
export interface ScenarioResult {
  readonly chainId: number;
  readonly business: string;
  /** Role → address. */
  readonly accounts: Record<ScenarioRole, string>;
  /** Symbol → address; `ETH` is the zero address. */
  readonly tokens: { readonly TestUSDC: string; readonly TestDAI: string; readonly ETH: string };
  /** Coffer's contracts used, name → address. */
  readonly contracts: Record<string, string>;
  readonly treasurySafe: string;
  readonly coldWallet: string;
  readonly splits: {
    readonly revenue: {
      readonly address: string;
      readonly controller: string;
      readonly recipients: readonly { readonly account: string; readonly allocation: number }[];
      readonly distributionIncentive: number;
      readonly pullOnly: boolean;
    };
  };
  /** Reference → payment (escrowed orders `ORDER-…`, counter sales `POS-…`). */
  readonly payments: Record<string, ScenarioPayment>;
  /** Reference → invoice. */
  readonly invoices: Record<string, ScenarioInvoice>;
  /** Name → plan. */
  readonly plans: Record<string, { readonly id: string; readonly token: string; readonly amount: string }>;
  /** Name → subscription. */
  readonly subscriptions: Record<string, { readonly id: string; readonly planId: string; readonly subscriber: string }>;
  /** The treasury Safe's executed transactions. */
  readonly safeTransactions: {
    readonly policy: { readonly safeTxHash: string; readonly transactionHash: string };
    readonly payout: { readonly safeTxHash: string; readonly transactionHash: string };
  };
  /** Amounts moved by the keeper's end-of-story jobs. */
  readonly sweep: {
    readonly token: string;
    readonly cap: string;
    readonly amount: string;
    readonly transactionHash: string;
  };
  /** Unix seconds of the story's first and last steps. */
  readonly startTime: number;
  readonly endTime: number;
  /** Chain block at the end. */
  readonly blockNumber: number;
}

/** Monday 2030-03-04 00:00 UTC: the story's day 1 on a fresh chain. */
export const SCENARIO_DAY_ONE = 1_898_812_800;
export const HOUR = 3_600;
export const DAY = 86_400;
/** The treasury Safe's queue delay: a day for its signers to see and cancel a queued transfer. */
export const TREASURY_QUEUE_DELAY = DAY;

/** The address of a development account (funded or not). */
export function scenarioAddress(role: ScenarioRole): string {
  return new ethers.Wallet(devPrivateKey(SCENARIO_ACCOUNTS[role])).address;
}
