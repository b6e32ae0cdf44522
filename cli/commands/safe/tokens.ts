import { getTokenInfo, NATIVE_TOKEN, type TokenInfo } from "@coffer/sdk";
import {
  ETH,
  formatTokenAmount,
  readSafeFunds,
  type SafeChain,
  type SafeTransactionFile,
  type TokenLabels,
} from "@coffer/sdk/safe";
import { ethers } from "ethers";
import { deploymentsDirOf, findManifest, parseAmount } from "../../common";
import { UsageError } from "../../io";

/** The chain's ETH as a token. */
const ETH_INFO: TokenInfo = { address: NATIVE_TOKEN, symbol: "ETH", decimals: 18 };

/** Decimals and symbol of an ERC-20 address; an address that is not a token is a usage error naming it. */
async function tokenAt(chain: SafeChain, address: string, what: string): Promise<TokenInfo> {
  try {
    return await getTokenInfo(chain, ethers.getAddress(address));
  } catch (error) {
    throw new UsageError(`${what} ${address}: ${(error as Error).message.replace(/^token: /, "")}`);
  }
}

/** The tokens of the chain's deployment manifest (contracts that answer `decimals()`), by manifest name. */
async function manifestTokens(
  chain: SafeChain,
  deploymentsDir: string | undefined,
  env: NodeJS.ProcessEnv,
): Promise<{ name: string; info: TokenInfo }[]> {
  const manifest = findManifest(deploymentsDirOf(deploymentsDir, env), chain.chainId);
  const found = await Promise.all(
    Object.entries(manifest?.contracts ?? {}).map(async ([name, record]) => {
      const info = await getTokenInfo(chain, ethers.getAddress(record.address)).catch(() => undefined);
      return info === undefined ? [] : [{ name, info }];
    }),
  );
  return found.flat();
}

/**
 * Reads a token as every command does: `ETH`, an address, or a token of the chain's deployment manifest by its
 * name (`TestUSDC`) or its symbol (`tUSDC`), in any letter case.
 * @throws UsageError listing the accepted names
 */
export async function resolveSafeToken(
  chain: SafeChain,
  value: string,
  options: { deploymentsDir?: string; env: NodeJS.ProcessEnv; what?: string },
): Promise<TokenInfo> {
  const what = options.what ?? "--token";
  if (value.toUpperCase() === ETH) return ETH_INFO;
  if (/^0x[0-9a-fA-F]{40}$/.test(value)) {
    if (!ethers.isAddress(value)) throw new UsageError(`${what} ${value} has a bad checksum`);
    return tokenAt(chain, value, what);
  }
  const tokens = await manifestTokens(chain, options.deploymentsDir, options.env);
  const wanted = value.toLowerCase();
  const match = tokens.find(({ name, info }) => name.toLowerCase() === wanted || info.symbol.toLowerCase() === wanted);
  if (match !== undefined) return match.info;
  const accepted = ["ETH", ...tokens.map(({ name, info }) => `${info.symbol} (${name})`), "a token address"];
  throw new UsageError(`${what} ${value} is not a token on chain ${chain.chainId}: use ${accepted.join(", ")}`);
}

/** A transfer's token and amount from what people type: `--token tUSDC --amount 12.5`. */
export async function parseTransfer(
  chain: SafeChain,
  token: string,
  amount: string,
  options: { deploymentsDir?: string; env: NodeJS.ProcessEnv; tokenWhat?: string; amountWhat?: string },
): Promise<{ token: string; amount: bigint }> {
  const info = await resolveSafeToken(chain, token, { ...options, what: options.tokenWhat });
  return {
    token: info.address === NATIVE_TOKEN ? ETH : info.address,
    amount: parseAmount(amount, info, options.amountWhat),
  };
}

/** What a Safe transaction spends beyond what the Safe holds, for one token. */
export interface Shortfall {
  /** The ERC-20 address, or `ETH`. */
  readonly token: string;
  readonly symbol: string;
  /** Base units (wei for ETH). */
  readonly needed: string;
  readonly held: string;
  readonly short: string;
}

/** Token labels and the funds a transaction lacks, read from the chain for the text and JSON of a command. */
export interface FundsView {
  readonly tokens: TokenLabels;
  readonly shortfalls: readonly Shortfall[];
  /** `the Safe holds 100 tUSDC, 150 tUSDC short` (one clause per token), or undefined when the funds are there. */
  readonly shortfallText?: string;
}

/**
 * Reads the symbol and decimals of the tokens a transaction moves, and what it sends out of the Safe beyond the
 * Safe's balances (the SDK's `readSafeFunds`), for the text and JSON of a command.
 */
export async function readFundsView(chain: SafeChain, file: SafeTransactionFile): Promise<FundsView> {
  const funds = await readSafeFunds(chain, file);
  const shortfalls: Shortfall[] = funds.shortfalls.map((s) => ({
    token: s.token,
    symbol: s.label?.symbol ?? s.token,
    needed: s.needed.toString(),
    held: s.held.toString(),
    short: s.short.toString(),
  }));
  const amount = (value: string, token: string) => {
    const label = funds.labels.get(token);
    return label === undefined ? `${value} base units of ${token}` : formatTokenAmount(value, label);
  };
  const shortfallText =
    shortfalls.length === 0
      ? undefined
      : shortfalls
          .map((s) => `the Safe holds ${amount(s.held, s.token)}, ${amount(s.short, s.token)} short`)
          .join("; ");
  return { tokens: (token) => funds.labels.get(token), shortfalls, ...(shortfallText ? { shortfallText } : {}) };
}
