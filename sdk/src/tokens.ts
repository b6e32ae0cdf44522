import { ethers } from "ethers";
import type { CofferClient } from "./client";
import { CofferContractError, CofferInsufficientBalanceError, CofferValidationError, toCofferError } from "./errors";
import { sendCall, signerOf, simulate, type CofferReceipt, type ContractCall } from "./transactions";

/** Token address that stands for the chain's native currency (ETH) in payments, invoices and plans. */
export const NATIVE_TOKEN = ethers.ZeroAddress;

/** The ERC-20 (and EIP-2612) functions the SDK calls. */
export const ERC20_ABI = [
  "function name() view returns (string)",
  "function symbol() view returns (string)",
  "function decimals() view returns (uint8)",
  "function balanceOf(address) view returns (uint256)",
  "function allowance(address owner, address spender) view returns (uint256)",
  "function approve(address spender, uint256 amount) returns (bool)",
  "function nonces(address) view returns (uint256)",
  "function eip712Domain() view returns (bytes1, string name, string version, uint256 chainId, address verifyingContract, bytes32, uint256[])",
] as const;

const erc20 = (token: string, runner: ethers.ContractRunner) => new ethers.Contract(token, ERC20_ABI, runner);

/** A token's symbol and decimals. */
export interface TokenInfo {
  /** ERC-20 address, or {@link NATIVE_TOKEN} for ETH. */
  readonly address: string;
  readonly symbol: string;
  readonly decimals: number;
}

/**
 * The symbol and decimals of an ERC-20 (`ETH`, 18 for {@link NATIVE_TOKEN}); a token without `symbol()` is called
 * "units".
 * @throws CofferValidationError when the address holds no contract or the contract has no `decimals()`.
 */
export async function getTokenInfo(client: Pick<CofferClient, "provider">, token: string): Promise<TokenInfo> {
  if (token === NATIVE_TOKEN) return { address: NATIVE_TOKEN, symbol: "ETH", decimals: 18 };
  if ((await client.provider.getCode(token)) === "0x")
    throw new CofferValidationError("token", `${token} is not a contract`);
  const contract = erc20(token, client.provider);
  let decimals: number;
  try {
    decimals = Number(await contract.getFunction("decimals")());
  } catch {
    throw new CofferValidationError("token", `${token} does not answer decimals(): not an ERC-20 token`);
  }
  const symbol = await contract
    .getFunction("symbol")()
    .then((text: unknown) => String(text))
    .catch(() => "units");
  return { address: ethers.getAddress(token), symbol, decimals };
}

/** `account`'s balance of `token` (wei for {@link NATIVE_TOKEN}). */
export async function getBalance(
  client: Pick<CofferClient, "provider">,
  token: string,
  account: string,
): Promise<bigint> {
  if (token === NATIVE_TOKEN) return client.provider.getBalance(account);
  return (await erc20(token, client.provider).getFunction("balanceOf")(account)) as bigint;
}

/** How much of `token` `spender` may pull from `owner` (unlimited for {@link NATIVE_TOKEN}, which is sent). */
export async function getAllowance(
  client: CofferClient,
  token: string,
  owner: string,
  spender: string,
): Promise<bigint> {
  if (token === NATIVE_TOKEN) return ethers.MaxUint256;
  return (await erc20(token, client.provider).getFunction("allowance")(owner, spender)) as bigint;
}

/** Approves `spender` to pull exactly `amount` of `token` from the client's signer (simulated first). */
export function approve(client: CofferClient, token: string, spender: string, amount: bigint): Promise<CofferReceipt> {
  return sendCall(client, { contract: erc20(token, signerOf(client)), method: "approve", args: [spender, amount] });
}

/**
 * Approves `spender` for exactly `amount` of `token` when the signer's allowance is lower; nothing to do for ETH,
 * a zero amount or an allowance already enough. Returns the approval's receipt, or undefined when none was sent.
 */
export async function ensureAllowance(
  client: CofferClient,
  token: string,
  spender: string,
  amount: bigint,
): Promise<CofferReceipt | undefined> {
  if (token === NATIVE_TOKEN || amount === 0n) return undefined;
  const owner = await signerOf(client).getAddress();
  if ((await getAllowance(client, token, owner, spender)) >= amount) return undefined;
  return approve(client, token, spender, amount);
}

/** What a call pulls from the signer: `amount` of `token` by `spender` (the Coffer contract called). */
export interface Pull {
  readonly token: string;
  readonly amount: bigint;
  readonly spender: string;
}

/** Whether a simulated revert is the token refusing the pull (so an approval would fix it), not a Coffer rule. */
export function isPullFailure(error: unknown): boolean {
  if (!(error instanceof CofferContractError)) return true;
  return (
    !error.errorName.startsWith("Coffer") ||
    error.errorName.endsWith("TransferFailed") ||
    // The subscriptions contract wraps the token's refusal of a first charge.
    error.errorName === "CofferSubscriptionsFirstChargeFailed"
  );
}

/**
 * Sends a call that pulls tokens from the signer, approving first only when it must and only once the call is
 * known to succeed but for the allowance: a call that breaks any Coffer rule (a wrong caller, a paid invoice, an
 * expired payment) throws its decoded error with nothing approved and nothing sent; a balance too small throws
 * {@link CofferInsufficientBalanceError} before any approval. The approval is for exactly the amount the call pulls.
 * With `approve: false` the allowance is left as it is and the call is simulated and sent as is.
 */
export async function sendPulling(
  client: CofferClient,
  call: ContractCall,
  pull: Pull,
  options: { approve?: boolean } = {},
): Promise<CofferReceipt & { approval?: CofferReceipt }> {
  if (options.approve === false || pull.token === NATIVE_TOKEN || pull.amount === 0n) return sendCall(client, call);
  const owner = await signerOf(client).getAddress();
  const allowance = await getAllowance(client, pull.token, owner, pull.spender);
  if (allowance >= pull.amount) return sendCall(client, call);
  try {
    await simulate(client, call);
    return sendCall(client, call); // the token does not need the allowance (e.g. the spender is trusted)
  } catch (error) {
    if (!isPullFailure(error)) throw error;
  }
  const balance = await getBalance(client, pull.token, owner);
  if (balance < pull.amount) throw new CofferInsufficientBalanceError(pull.token, owner, balance, pull.amount);
  const approval = await approve(client, pull.token, pull.spender, pull.amount);
  return { ...(await sendCall(client, call)), approval };
}

/** EIP-2612's typed data. */
export const PERMIT_TYPES = {
  Permit: [
    { name: "owner", type: "address" },
    { name: "spender", type: "address" },
    { name: "value", type: "uint256" },
    { name: "nonce", type: "uint256" },
    { name: "deadline", type: "uint256" },
  ],
};

/** An EIP-2612 permit signature, as Coffer's `…WithPermit` functions take it. */
export interface PermitSignature {
  /** Unix seconds, inclusive (EIP-2612). */
  readonly deadline: bigint;
  readonly v: number;
  readonly r: string;
  readonly s: string;
}

/**
 * Whether `token` takes EIP-2612 permits: it answers `nonces(owner)` and `DOMAIN_SEPARATOR()`. False for ETH
 * ({@link NATIVE_TOKEN}) and for any token that does not (its holders approve with a transaction instead).
 */
export async function supportsPermit(client: CofferClient, token: string): Promise<boolean> {
  if (token === NATIVE_TOKEN) return false;
  const contract = new ethers.Contract(
    token,
    ["function nonces(address) view returns (uint256)", "function DOMAIN_SEPARATOR() view returns (bytes32)"],
    client.provider,
  );
  try {
    await Promise.all([contract.getFunction("nonces")(ethers.ZeroAddress), contract.getFunction("DOMAIN_SEPARATOR")()]);
    return true;
  } catch {
    return false;
  }
}

/**
 * Signs an EIP-2612 permit of `signer` for `spender` over `value` units of `token` until `deadline` (unix
 * seconds), with the token's current nonce for the signer. The domain is the one the token reports through
 * ERC-5267 `eip712Domain()`; a token without it gets its `name()`, version "1" and the provider's chain id.
 * Nothing is sent: the signature goes with a `…WithPermit` call (e.g. `escrow.payInvoice(…, { permit })`).
 */
export async function signPermit(
  signer: ethers.Signer,
  token: string,
  spender: string,
  value: bigint,
  deadline: bigint,
): Promise<PermitSignature> {
  const provider = signer.provider;
  if (provider === null) throw new CofferValidationError("signer", "signPermit needs a signer connected to a provider");
  const contract = erc20(token, provider);
  const owner = await signer.getAddress();
  try {
    const domain = await contract
      .getFunction("eip712Domain")()
      .then((d: ethers.Result) => ({
        name: String(d[1]),
        version: String(d[2]),
        chainId: BigInt(d[3]),
        verifyingContract: String(d[4]),
      }))
      .catch(async () => ({
        name: String(await contract.getFunction("name")()),
        version: "1",
        chainId: (await provider.getNetwork()).chainId,
        verifyingContract: token,
      }));
    const nonce = (await contract.getFunction("nonces")(owner)) as bigint;
    const signature = ethers.Signature.from(
      await signer.signTypedData(domain, PERMIT_TYPES, { owner, spender, value, nonce, deadline }),
    );
    return { deadline, v: signature.v, r: signature.r, s: signature.s };
  } catch (error) {
    throw toCofferError(error);
  }
}
