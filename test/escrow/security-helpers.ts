import { time } from "@nomicfoundation/hardhat-network-helpers";
import type { HardhatEthersSigner } from "@nomicfoundation/hardhat-ethers/signers";
import type { ContractTransactionResponse } from "ethers";
import { ethers } from "ethers";
import hre from "hardhat";
import { devPrivateKey } from "../../scripts/lib/local-chain";
import { execSafeCall } from "../../scripts/lib/safe-exec";
import type { Invoice } from "../../sdk/src/escrow";
import { tokenOf, units, type Asset, type EscrowFixture } from "./fixture";

/**
 * Helpers shared by the escrow security suites (hostile tokens, receivers, reentrancy, permits, signatures,
 * compliance guard, properties). Everything here drives real contracts on the in-process chain.
 */

/** Sets the escrow's compliance guard as its owner: a transaction of the real 2-of-3 treasury Safe. */
export async function setGuardThroughSafe(f: EscrowFixture, guard: string): Promise<ethers.TransactionReceipt> {
  return execSafeCall(f.treasurySafe, [devPrivateKey(1), devPrivateKey(2)], f.stranger, {
    to: await f.escrow.getAddress(),
    data: f.escrow.interface.encodeFunctionData("setComplianceGuard", [guard]),
  });
}

/** An invoice from the fixture's payee for 12 whole units, payable by anyone for a day; `overrides` change any field. */
export async function makeInvoice(f: EscrowFixture, asset: Asset, overrides: Partial<Invoice> = {}): Promise<Invoice> {
  return {
    payee: f.payee.address,
    payer: ethers.ZeroAddress,
    token: await tokenOf(f, asset),
    amount: units(asset, 12n),
    expiry: BigInt(await time.latest()) + 86_400n,
    referenceId: ethers.hexlify(ethers.randomBytes(32)),
    salt: BigInt(ethers.hexlify(ethers.randomBytes(8))),
    ...overrides,
  };
}

/** Wei paid in gas by a mined transaction (to correct ETH balance deltas of the sender). */
export async function gasPaid(tx: ContractTransactionResponse | Promise<ContractTransactionResponse>): Promise<bigint> {
  const receipt = await (await tx).wait();
  if (receipt === null) throw new Error("transaction not mined");
  return receipt.gasUsed * receipt.gasPrice;
}

/** A fresh address that has never held anything. */
export const freshAddress = (): string => ethers.Wallet.createRandom().address;

/** Deploys a mock contract from `contracts/mocks` by name. */
export async function deployMock<T>(name: string, args: unknown[] = []): Promise<T> {
  return (await hre.ethers.deployContract(name, args)) as unknown as T;
}

/**
 * Mints `amount` of a shelf token (any of them: they share `mint(address,uint256)` and `approve`) to each account
 * and gives the escrow an unlimited allowance from it.
 */
export async function fund(
  token: string,
  escrow: string,
  accounts: readonly HardhatEthersSigner[],
  amount: bigint,
): Promise<void> {
  const asMock = await hre.ethers.getContractAt("MockERC20", token);
  for (const account of accounts) {
    await asMock.mint(account.address, amount);
    await asMock.connect(account).approve(escrow, ethers.MaxUint256);
  }
}

/** Describes a time offset from an expiry, as in "expiry - 1 s". */
export const atOffset = (offset: bigint): string => `${offset < 0n ? "-" : "+"} ${offset < 0n ? -offset : offset} s`;

/** The three offsets every time boundary is tested at. */
export const BOUNDARY_OFFSETS = [-1n, 0n, 1n] as const;
