import type { ContractTransactionResponse, TransactionResponse } from "ethers";

/** Total gas of a mined transaction (what a user pays for, intrinsic cost and calldata included). */
export async function gasOf(sent: Promise<ContractTransactionResponse | TransactionResponse>): Promise<number> {
  const receipt = await (await sent).wait();
  if (receipt === null || receipt.status !== 1) throw new Error("The measured transaction failed");
  return Number(receipt.gasUsed);
}

/** Gas figures, name → total transaction gas. Names are `<module>.<operation>[.<variant>]`. */
export type GasFigures = Record<string, number>;
