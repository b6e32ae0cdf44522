import { getTokenInfo, NATIVE_TOKEN, type TokenInfo } from "@coffer/sdk";
import {
  connectChain,
  describeSafeTransaction,
  ETH,
  formatTokenAmount,
  outgoingTransfers,
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

/** Where `coffer safe show` found a token's symbol and decimals without verifying. */
export interface OfflineTokenLabel {
  readonly token: string;
  readonly symbol: string;
  readonly decimals: number;
  /** `manifest`: the constructor arguments of a test token in deployments/<chainId>.json; `chain`: the token. */
  readonly from: "manifest" | "chain";
}

/** Symbol and decimals of the manifest's test tokens, from their recorded constructor arguments. */
function manifestLabels(chainId: number, deploymentsDir: string | undefined, env: NodeJS.ProcessEnv) {
  const labels = new Map<string, OfflineTokenLabel>();
  const manifest = findManifest(deploymentsDirOf(deploymentsDir, env), chainId);
  for (const record of Object.values(manifest?.contracts ?? {})) {
    const [, symbol, decimals] = record.constructorArgs;
    if (record.contract !== "MockERC20" || typeof symbol !== "string") continue;
    if (!Number.isInteger(Number(decimals))) continue;
    const token = ethers.getAddress(record.address);
    labels.set(token, { token, symbol, decimals: Number(decimals), from: "manifest" });
  }
  return labels;
}

/**
 * The symbol and decimals of the ERC-20 tokens a transaction sends, without verifying it: from the chain when an
 * RPC URL is given and the node answers, else from the manifest's test tokens. `unknown` lists the tokens whose
 * decimals could not be known: their amounts stay in base units.
 */
export async function readOfflineLabels(
  file: SafeTransactionFile,
  options: { rpcUrl?: string; deploymentsDir?: string; env: NodeJS.ProcessEnv },
): Promise<{ tokens: TokenLabels; labels: OfflineTokenLabel[]; unknown: string[]; chainError?: string }> {
  const wanted = [...outgoingTransfers(describeSafeTransaction(file)).keys()].filter((token) => token !== ETH);
  const known = manifestLabels(file.chainId, options.deploymentsDir, options.env);
  const rpcUrl = options.rpcUrl ?? options.env.COFFER_RPC_URL;
  let chainError: string | undefined;
  const missing = wanted.filter((token) => !known.has(ethers.getAddress(token)));
  if (missing.length > 0 && rpcUrl !== undefined && rpcUrl !== "") {
    try {
      const chain = await connectChain(rpcUrl);
      try {
        if (chain.chainId !== file.chainId) {
          chainError = `the node at ${rpcUrl} serves chain ${chain.chainId}, not ${file.chainId}`;
        } else {
          for (const token of missing) {
            const info = await getTokenInfo(chain, ethers.getAddress(token)).catch(() => undefined);
            if (info !== undefined) {
              const address = ethers.getAddress(token);
              known.set(address, { token: address, symbol: info.symbol, decimals: info.decimals, from: "chain" });
            }
          }
        }
      } finally {
        chain.close();
      }
    } catch (error) {
      chainError = `the node at ${rpcUrl} did not answer: ${(error as Error).message.split("\n")[0]}`;
    }
  }
  const labels = wanted.flatMap((token) => {
    const label = known.get(ethers.getAddress(token));
    return label === undefined ? [] : [label];
  });
  return {
    tokens: (token) => known.get(ethers.getAddress(token)),
    labels,
    unknown: wanted.filter((token) => !known.has(ethers.getAddress(token))),
    ...(chainError === undefined ? {} : { chainError }),
  };
}
