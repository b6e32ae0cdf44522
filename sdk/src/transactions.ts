import { ethers } from "ethers";
import type { CofferClient } from "./client";
import { CofferError, CofferValidationError, decodeCofferEvents, toCofferError, type CofferEvent } from "./errors";
import { NonceTracker } from "./nonces";

/** A mined transaction sent by the SDK: the same shape from every action, and in the CLI's `--json`. */
export interface CofferReceipt {
  readonly transactionHash: string;
  readonly blockNumber: number;
  readonly from: string;
  readonly gasUsed: bigint;
  /** Coffer's events in the transaction, decoded (other contracts' logs are left out). */
  readonly events: CofferEvent[];
  /** ethers' receipt, for anything else. */
  readonly receipt: ethers.TransactionReceipt;
}

/** A contract call the SDK is about to make: the contract, the function and its arguments, and ETH sent. */
export interface ContractCall {
  readonly contract: ethers.BaseContract;
  readonly method: string;
  readonly args: readonly unknown[];
  /** Wei sent with the call (native-currency payments). */
  readonly value?: bigint;
}

/** The client's signer, or a validation error for a read-only client. */
export function signerOf(client: CofferClient): ethers.Signer {
  if (client.signer === undefined) {
    throw new CofferValidationError("runner", "this action sends a transaction: create the client with a signer");
  }
  return client.signer;
}

/**
 * Runs `call` as a static call from the client's signer: resolves when the transaction would succeed now, throws
 * the decoded Coffer error when it would revert. Nothing is signed or sent.
 */
export async function simulate(client: CofferClient, call: ContractCall): Promise<void> {
  const from = await signerOf(client).getAddress();
  try {
    await call.contract.getFunction(call.method).staticCall(...call.args, { from, value: call.value ?? 0n });
  } catch (error) {
    throw toCofferError(error);
  }
}

/**
 * Simulates `call`, then signs, sends and waits for it. A call that would revert throws its decoded Coffer error
 * and sends nothing; local-key signers get their nonces from the client's tracker.
 * @throws CofferContractError (decoded revert), CofferRevertError, CofferRpcError, CofferValidationError
 */
export async function sendCall(client: CofferClient, call: ContractCall): Promise<CofferReceipt> {
  await simulate(client, call);
  return sendTransaction(client, async () => {
    const request = await call.contract
      .getFunction(call.method)
      .populateTransaction(...call.args, { value: call.value ?? 0n });
    return request;
  });
}

/**
 * Sends a prepared transaction from the client's signer (with a tracked nonce for a local key), waits for it to
 * be mined and returns its {@link CofferReceipt}. Does not simulate: {@link sendCall} does.
 */
export async function sendTransaction(
  client: CofferClient,
  prepare: () => Promise<ethers.TransactionRequest>,
): Promise<CofferReceipt> {
  const signer = signerOf(client);
  try {
    const request = await prepare();
    const from = await signer.getAddress();
    const response = NonceTracker.manages(signer)
      ? await client.nonces.withNext(from, (nonce) => signer.sendTransaction({ ...request, nonce }))
      : await signer.sendTransaction(request);
    const receipt = await response.wait();
    if (receipt === null) throw new CofferError(`Transaction ${response.hash} was dropped`);
    return toReceipt(receipt);
  } catch (error) {
    throw toCofferError(error);
  }
}

/** The SDK's receipt shape for an ethers receipt. */
export function toReceipt(receipt: ethers.TransactionReceipt): CofferReceipt {
  return {
    transactionHash: receipt.hash,
    blockNumber: receipt.blockNumber,
    from: receipt.from,
    gasUsed: receipt.gasUsed,
    events: decodeCofferEvents(receipt),
    receipt,
  };
}
