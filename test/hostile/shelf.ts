import { expect } from "chai";
import { ethers } from "ethers";
import hre from "hardhat";

/**
 * The hostile-token shelf (`contracts/mocks/`) as data, for the cross-module suites of `test/hostile/`: every token
 * kind of d-xo/weird-erc20 that can reach a Coffer contract, each with the real token it imitates.
 *
 * Each entry is run through every fund-moving entry point of every module. A kind can be hostile from the start,
 * or turn hostile after funds are in (`turn`): the stand-in for an upgradable token (USDC, USDT) whose owner
 * changes its rules later, and for an admin who pauses or blocklists. The rule checked everywhere: a call either
 * works exactly (each receiver is paid or credited its amount, never both, never neither; the contract stays
 * solvent) or reverts with the module's own custom error, and nothing moves or gets stuck.
 *
 * Kinds of weird-erc20 with no entry here, and why:
 * - reentrant calls (ERC-777): `ReentrantToken`, driven by each module's reentrancy suite; here it runs disarmed.
 * - missing return values on one method only (BNB): `NoReturnToken` returns nothing on every method; SafeERC20
 *   checks each call on its own, so a mix adds nothing.
 * - flash-mintable (DAI): only makes huge balances possible; amounts are bounded by the modules' own types
 *   (uint120 escrow amounts, uint96 budgets, `MAX_DISTRIBUTION`), and `test/hostile/*` pass amounts up to them.
 * - upgradable (USDC, USDT): modelled by `turn` (fee, false return, pause or blocklist switched on later).
 * - approval race, approval to address(0), zero-value approvals (USDT, OpenZeppelin, BNB): no module calls
 *   `approve` (the treasury module relies on an allowance the Safe's owners set), so only `ApproveRaceToken`
 *   stays as a check that nothing starts to.
 * - multiple addresses (TUSD): only matters to a rescue function that refuses "the" token's address; no module has
 *   one (the split distributes its whole balance of whatever token it is asked, the treasury sweeps only what the
 *   Safe's rule names).
 * - `transferFrom` with `src == msg.sender` not spending allowance (DSToken): no module calls `transferFrom` with
 *   itself as the source.
 * - non-`string` metadata (MKR) and code injection via the name: no contract reads `name` or `symbol`; the CLI
 *   reads `symbol()` and falls back to "units" when it does not decode.
 * - revert on transfer to address(0) (OpenZeppelin): every mock here already does; every module refuses a zero
 *   receiver with its own error before the token is called.
 * - ERC-20 representation of the native currency (CELO, POL): cannot be imitated by an EVM contract (it moves the
 *   native balance); see the report of this suite.
 */

/** What a hostile turn can need to know: who it targets. */
export interface TurnContext {
  /** The main receiver of the module under test (payee, recipient, vendor): the one a blocklist freezes. */
  victim: string;
}

/** One token kind of the shelf. */
export interface ShelfEntry {
  /** Short stable id, used in test names. */
  id: string;
  /** What it is and which real token it imitates. */
  label: string;
  /** The mock contract in `contracts/mocks/`. */
  contract: string;
  /** Constructor arguments. */
  args: unknown[];
  /** Decimals reported by the token. */
  decimals: number;
  /** Whether it implements EIP-2612 `permit`. */
  permit: boolean;
  /**
   * Whether every path must work exactly with it (a token Coffer supports), rather than work exactly or revert with
   * the module's error.
   */
  supported: boolean;
  /** Run once the funds are in: makes the token hostile (or more so). */
  turn?: (token: ethers.Contract, context: TurnContext) => Promise<void>;
  /** Run at the end: undoes `turn` so that the suites can check that nothing got stuck. */
  restore?: (token: ethers.Contract, context: TurnContext) => Promise<void>;
  /**
   * Errors of the token itself that a call may revert with once turned (the token refusing a party it has frozen, or
   * every transfer while paused): the token's decision, which no module can override.
   */
  tokenErrors?: string[];
  /** At most this many basis points of a payout may be lost to the token on the way (its fee), plus 2 wei rounding. */
  lossBps?: bigint;
}

const ABI = [
  "function mint(address to, uint256 amount)",
  "function approve(address spender, uint256 amount)",
  "function balanceOf(address account) view returns (uint256)",
  "function setHonest(bool honest)",
  "function setFailAll(bool fail)",
  "function setFeeBps(uint256 feeBps)",
  "function rebase(uint256 numerator, uint256 denominator)",
  "function pause()",
  "function unpause()",
  "function blocklist(address account)",
  "function unblocklist(address account)",
];

/** The fee sink of the fee-on-transfer entries (an address nothing else uses). */
export const FEE_SINK = "0x000000000000000000000000000000000000fee5";

/** The whole shelf, in the order the suites run it. */
export const SHELF: ShelfEntry[] = [
  {
    id: "standard",
    label: "a standard ERC-20 with permit (MockERC20, 18 decimals: DAI-like), the control",
    contract: "MockERC20",
    args: ["Standard", "STD", 18],
    decimals: 18,
    permit: true,
    supported: true,
  },
  {
    id: "low-decimals",
    label: "2 decimals (MockERC20: Gemini USD)",
    contract: "MockERC20",
    args: ["Two", "T2", 2],
    decimals: 2,
    permit: true,
    supported: true,
  },
  {
    id: "high-decimals",
    label: "24 decimals (MockERC20: YAM-V2)",
    contract: "MockERC20",
    args: ["Twenty-four", "T24", 24],
    decimals: 24,
    permit: true,
    supported: true,
  },
  {
    id: "no-return",
    label: "returns nothing, approve-race guard (NoReturnToken: USDT)",
    contract: "NoReturnToken",
    args: [],
    decimals: 6,
    permit: false,
    supported: true,
  },
  {
    id: "returns-false",
    label: "returns false instead of reverting, then fails everything once funds are in (ReturnsFalseToken: ZRX)",
    contract: "ReturnsFalseToken",
    args: [],
    decimals: 18,
    permit: false,
    supported: true,
    turn: async (token) => void (await (await token.getFunction("setFailAll")(true)).wait()),
    restore: async (token) => void (await (await token.getFunction("setFailAll")(false)).wait()),
  },
  {
    id: "false-after-transfer",
    label: "moves the funds, then returns false, from the start (FalseAfterTransferToken: Tether Gold)",
    contract: "FalseAfterTransferToken",
    args: [],
    decimals: 18,
    permit: false,
    supported: false,
    restore: async (token) => void (await (await token.getFunction("setHonest")(true)).wait()),
  },
  {
    id: "false-after-transfer-later",
    label: "honest, then moves the funds and returns false once funds are in (FalseAfterTransferToken upgraded)",
    contract: "FalseAfterTransferToken",
    args: [],
    decimals: 18,
    permit: false,
    supported: false,
    turn: async (token) => void (await (await token.getFunction("setHonest")(false)).wait()),
    restore: async (token) => void (await (await token.getFunction("setHonest")(true)).wait()),
  },
  {
    id: "fee-on-transfer",
    label: "takes a 1% fee on every transfer (FeeOnTransferToken: STA, PAXG)",
    contract: "FeeOnTransferToken",
    args: [100, FEE_SINK],
    decimals: 18,
    permit: false,
    supported: false,
    lossBps: 100n,
  },
  {
    id: "fee-switched-on",
    label: "fee switched on once funds are in (FeeOnTransferToken: USDT's dormant fee)",
    contract: "FeeOnTransferToken",
    args: [0, FEE_SINK],
    decimals: 18,
    permit: false,
    supported: false,
    lossBps: 100n,
    turn: async (token) => void (await (await token.getFunction("setFeeBps")(100)).wait()),
  },
  {
    id: "rebasing",
    label: "rebases up 10% once funds are in (RebasingToken: stETH, AMPL)",
    contract: "RebasingToken",
    args: [],
    decimals: 18,
    permit: false,
    supported: false,
    lossBps: 0n,
    turn: async (token) => void (await (await token.getFunction("rebase")(11, 10)).wait()),
  },
  {
    id: "paused",
    label: "paused once funds are in (BlocklistToken: USDC, BNB, ZIL pause)",
    contract: "BlocklistToken",
    args: [],
    decimals: 6,
    permit: true,
    supported: true,
    tokenErrors: ["BlocklistTokenPaused"],
    turn: async (token) => void (await (await token.getFunction("pause")()).wait()),
    restore: async (token) => void (await (await token.getFunction("unpause")()).wait()),
  },
  {
    id: "blocklist",
    label: "blocklists the main receiver once funds are in (BlocklistToken: USDC, USDT blocklist)",
    contract: "BlocklistToken",
    args: [],
    decimals: 6,
    permit: true,
    supported: true,
    tokenErrors: ["BlocklistTokenBlocklisted"],
    turn: async (token, { victim }) => void (await (await token.getFunction("blocklist")(victim)).wait()),
    restore: async (token, { victim }) => void (await (await token.getFunction("unblocklist")(victim)).wait()),
  },
  {
    id: "approve-race",
    label: "approve reverts from non-zero to non-zero (ApproveRaceToken: USDT, KNC)",
    contract: "ApproveRaceToken",
    args: [],
    decimals: 18,
    permit: false,
    supported: true,
  },
  {
    id: "reentrant-disarmed",
    label: "ERC-777-style hooks, disarmed (ReentrantToken: imBTC; armed in each module's reentrancy suite)",
    contract: "ReentrantToken",
    args: [],
    decimals: 18,
    permit: true,
    supported: true,
  },
  {
    id: "revert-on-zero",
    label: "reverts on zero-value transfers (RevertOnZeroTransferToken: LEND)",
    contract: "RevertOnZeroTransferToken",
    args: [],
    decimals: 18,
    permit: false,
    supported: true,
  },
  {
    id: "uint96",
    label: "96-bit amounts, max approval stored as 2^96 - 1 (Uint96Token: UNI, COMP)",
    contract: "Uint96Token",
    args: [],
    decimals: 18,
    permit: false,
    supported: true,
  },
  {
    id: "max-means-balance",
    label: "a transfer of 2^256 - 1 moves the whole balance (MaxAmountMeansBalanceToken: cUSDCv3)",
    contract: "MaxAmountMeansBalanceToken",
    args: [],
    decimals: 6,
    permit: false,
    supported: true,
  },
  {
    id: "phantom-permit",
    label: "no permit, a fallback that accepts any call (PhantomPermitToken: WETH9)",
    contract: "PhantomPermitToken",
    args: [],
    decimals: 18,
    permit: false,
    supported: true,
  },
];

/** A deployed shelf token. */
export interface Deployed {
  entry: ShelfEntry;
  token: ethers.Contract;
  address: string;
  unit: bigint;
}

/** Deploys a shelf entry (through the signer of the Hardhat network's first account). */
export async function deployEntry(entry: ShelfEntry): Promise<Deployed> {
  const deployed = await hre.ethers.deployContract(entry.contract, entry.args);
  const address = await deployed.getAddress();
  const [signer] = await hre.ethers.getSigners();
  const token = new ethers.Contract(address, ABI, signer);
  if (entry.id === "false-after-transfer-later") await (await token.getFunction("setHonest")(true)).wait();
  return { entry, token, address, unit: 10n ** BigInt(entry.decimals) };
}

/** Mints `amount` to each account and has each give `spender` an unlimited allowance. */
export async function fundAll(
  d: Deployed,
  spender: string,
  accounts: readonly ethers.Signer[],
  amount: bigint,
): Promise<void> {
  for (const account of accounts) {
    await (await d.token.getFunction("mint")(await account.getAddress(), amount)).wait();
    await (
      await (d.token.connect(account) as ethers.Contract).getFunction("approve")(spender, ethers.MaxUint256)
    ).wait();
  }
}

/** Balance of `account` in a shelf token. */
export const balanceIn = async (d: Deployed, account: string): Promise<bigint> =>
  (await d.token.getFunction("balanceOf")(account)) as bigint;

/** The revert data of a failed call, wherever ethers put it. */
function revertData(error: unknown): string | undefined {
  const e = error as { data?: unknown; error?: { data?: unknown }; info?: { error?: { data?: unknown } } };
  for (const candidate of [e.data, e.error?.data, e.info?.error?.data]) {
    if (typeof candidate === "string" && candidate.startsWith("0x")) return candidate;
  }
  return undefined;
}

/**
 * Runs a call that must either succeed or revert clearly. A revert must carry a custom error of the module's ABI
 * that the module raises itself (`prefix`, e.g. "CofferEscrow", or OpenZeppelin's `SafeERC20FailedOperation(token)`,
 * which the module raises when a token returns false), or one of the entry's `tokenErrors` once it has turned.
 * The call is first simulated (to read the revert), then sent; returns whether it succeeded.
 */
export async function attempt(
  label: string,
  module: ethers.BaseContract,
  prefix: string,
  d: Deployed,
  turned: boolean,
  call: (simulate: boolean) => Promise<unknown>,
): Promise<boolean> {
  try {
    await call(true);
  } catch (error) {
    const data = revertData(error);
    expect(data, `${label}: reverted without data (${String(error).slice(0, 200)})`).to.not.equal(undefined);
    const parsed = module.interface.parseError(data!) ?? d.token.interface.parseError(data!);
    const name = parsed?.name ?? `unknown error ${data!.slice(0, 10)}`;
    let tokenName: string | undefined;
    try {
      tokenName = (await hre.ethers.getContractFactory(d.entry.contract)).interface.parseError(data!)?.name;
    } catch {
      tokenName = undefined;
    }
    const ok =
      name.startsWith(prefix) ||
      name === "SafeERC20FailedOperation" ||
      (turned && tokenName !== undefined && (d.entry.tokenErrors ?? []).includes(tokenName));
    expect(ok, `${label}: reverted with ${tokenName ?? name}, not an error of the module`).to.equal(true);
    return false;
  }
  await call(false);
  return true;
}

/**
 * Checks that each receiver got `expected` in total, paid or credited but never both: `paid` and `credited` are its
 * balance and credit changes. A fee-taking or rebasing token may deliver up to `lossBps` less (plus 2 wei).
 */
export function expectReceived(
  label: string,
  d: Deployed,
  paid: bigint,
  credited: bigint,
  expected: bigint,
  turned: boolean,
): void {
  const total = paid + credited;
  const loss = turned || d.entry.id === "fee-on-transfer" ? ((d.entry.lossBps ?? 0n) * expected) / 10_000n + 2n : 0n;
  expect(
    total <= expected && total + loss >= expected,
    `${label}: received ${paid} + credited ${credited}, expected ${expected}`,
  ).to.equal(true);
  if (credited !== 0n) expect(paid, `${label}: paid ${paid} and credited ${credited}`).to.equal(0n);
}

/** What a module's flow follows: its parties, their credits in the module, and its solvency. */
export interface Ledger {
  /** The module contract under test. */
  module: ethers.BaseContract;
  /** The prefix of the module's own errors, e.g. "CofferSplit". */
  prefix: string;
  d: Deployed;
  /** Whether the token has turned hostile. */
  turned: boolean;
  /** The accounts whose balances (and credits) are followed. */
  parties: string[];
  /** The credit of an account in the module, in the token (0 where the module keeps none). */
  credit: (account: string) => Promise<bigint>;
  /** Asserts that the module holds at least what it owes in the token. */
  solvent: (label: string) => Promise<void>;
}

/**
 * Sends one call and checks its outcome: it works exactly (each account in `moves` changes by its amount: a
 * positive amount is received, paid or credited but not both; a negative one is pulled from its balance; every other
 * party is untouched) or it reverts with the module's error (see `attempt`) and nothing moves. The module stays
 * solvent either way. Returns whether the call succeeded.
 */
export async function runStep(
  l: Ledger,
  label: string,
  call: (simulate: boolean) => Promise<unknown>,
  moves: Array<[string, bigint]>,
  mustWork = l.d.entry.supported && !l.turned,
): Promise<boolean> {
  const read = () => Promise.all(l.parties.map(async (p) => [await balanceIn(l.d, p), await l.credit(p)] as const));
  const before = await read();
  const worked = await attempt(label, l.module, l.prefix, l.d, l.turned, call);
  if (mustWork) expect(worked, `${label}: must work with ${l.d.entry.label}`).to.equal(true);
  const after = await read();
  l.parties.forEach((party, i) => {
    const move = worked ? moves.filter(([p]) => p === party).reduce((sum, [, m]) => sum + m, 0n) : 0n;
    const paid = after[i]![0] - before[i]![0];
    const credited = after[i]![1] - before[i]![1];
    const who = `${label}: ${party.slice(0, 8)}`;
    if (move > 0n) expectReceived(who, l.d, paid, credited, move, l.turned);
    else if (move < 0n) {
      expect(credited, `${who} credit`).to.equal(0n);
      expectReceived(who, l.d, -paid, 0n, -move, l.turned);
    } else {
      expect([paid, credited], `${who} must not move`).to.deep.equal([0n, 0n]);
    }
  });
  await l.solvent(label);
  return worked;
}
