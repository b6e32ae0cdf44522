import { ethers, type ContractTransactionResponse, type TransactionResponse } from "ethers";

/**
 * One measured operation: the gas of its mined transaction and the transaction itself, as signed, so that its
 * calldata size and the L1 data fee it would pay on a rollup can be worked out from the same measurement.
 */
export interface Measurement {
  /** Total transaction gas (intrinsic cost and calldata included), divided by `per` and rounded. */
  gas: number;
  /** How many items (recipients, charges) the transaction covers when the figure is per item; 1 otherwise. */
  per: number;
  /** The whole transaction's gas, before dividing by `per`. */
  totalGas: number;
  /** The transaction's calldata (`data`), as hex. */
  data: string;
  /** The signed transaction as the chain received it (EIP-2718 envelope), as hex. */
  signedTx: string;
}

/** Measurements, name → measurement. Names are `<module>.<operation>[.<variant>]`. */
export type Measurements = Record<string, Measurement>;

/** Gas figures, name → total transaction gas (or per item). Names are `<module>.<operation>[.<variant>]`. */
export type GasFigures = Record<string, number>;

/**
 * The measurement of a transaction that has been sent: waits for it, fails unless it succeeded, and rebuilds the
 * signed transaction from the node's answer (checking that it hashes to the mined transaction's hash).
 * `per` divides the gas for per-item figures.
 */
export async function measure(
  sent: Promise<ContractTransactionResponse | TransactionResponse> | ContractTransactionResponse | TransactionResponse,
  per = 1,
): Promise<Measurement> {
  const response = await sent;
  const receipt = await response.wait();
  if (receipt === null || receipt.status !== 1) throw new Error("The measured transaction failed");
  return measureReceipt(receipt, per);
}

/** The measurement of a mined, successful transaction (see {@link measure}). */
export async function measureReceipt(receipt: ethers.TransactionReceipt, per = 1): Promise<Measurement> {
  if (receipt.status !== 1) throw new Error(`The measured transaction ${receipt.hash} failed`);
  const response = await receipt.provider.getTransaction(receipt.hash);
  if (response === null) throw new Error(`The node does not know the measured transaction ${receipt.hash}`);
  const signed = ethers.Transaction.from(response as unknown as ethers.TransactionLike);
  if (signed.hash !== receipt.hash) throw new Error(`The rebuilt transaction does not hash to ${receipt.hash}`);
  const totalGas = Number(receipt.gasUsed);
  return { gas: Math.round(totalGas / per), per, totalGas, data: response.data, signedTx: signed.serialized };
}

/** The gas figures of measurements (what the snapshot holds), sorted by name. */
export function gasFiguresOf(measurements: Measurements): GasFigures {
  return Object.fromEntries(
    Object.entries(measurements)
      .map(([name, measured]) => [name, measured.gas] as const)
      .sort(([a], [b]) => a.localeCompare(b)),
  );
}
