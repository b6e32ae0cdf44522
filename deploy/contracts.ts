/**
 * What Coffer deploys, in order. Each module adds its contracts here; a contract's constructor arguments must
 * be the same on every chain, so that its CREATE2 address is too.
 */
export interface ContractSpec {
  /** Key in the manifest. */
  readonly name: string;
  /** Name of the compiled contract. */
  readonly contract: string;
  /**
   * Constructor arguments; `deployed` holds `Admin` (the admin Safe) and the addresses of the contracts listed
   * before this one.
   */
  readonly args: (deployed: Readonly<Record<string, string>>) => readonly unknown[];
  /** Deployed on local chains only (test tokens for the demo and the tests). */
  readonly localOnly?: boolean;
}

export const COFFER_CONTRACTS: readonly ContractSpec[] = [
  // Stablecoins of the local chain: a 6-decimal one like USDC and an 18-decimal one like DAI, both with permit.
  { name: "TestUSDC", contract: "MockERC20", args: () => ["Test USD Coin", "tUSDC", 6], localOnly: true },
  { name: "TestDAI", contract: "MockERC20", args: () => ["Test Dai", "tDAI", 18], localOnly: true },
  // Checkout and escrow: the admin only sets the compliance guard.
  { name: "CofferEscrow", contract: "CofferEscrow", args: (deployed) => [deployed["Admin"]] },
  // Subscription billing: no admin.
  { name: "CofferSubscriptions", contract: "CofferSubscriptions", args: () => [] },
  // Treasury: one module shared by every Safe that enables it; each Safe sets only its own policy.
  { name: "CofferTreasuryModule", contract: "CofferTreasuryModule", args: () => [] },
  // Revenue splits: a factory of clones at addresses derived from their configuration; no admin.
  { name: "CofferSplitFactory", contract: "CofferSplitFactory", args: () => [] },
  // Payment channels: one contract holds every channel's deposit; no admin.
  { name: "CofferChannels", contract: "CofferChannels", args: () => [] },
];
