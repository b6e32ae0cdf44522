import { loadFixture, time } from "@nomicfoundation/hardhat-network-helpers";
import { ethers } from "ethers";
import hre from "hardhat";
import type { DeploymentManifest } from "../../deploy/manifest";
import { type Invoice, type Payment, signInvoice, signPaymentApproval } from "../../sdk/src/escrow";
import { deployProtocol } from "../helpers/protocol-fixture";

/** The kinds of asset every escrow behaviour runs for. */
export const ASSETS = [
  { name: "native ETH", decimals: 18, native: true },
  { name: "a 6-decimal token", decimals: 6, native: false },
  { name: "an 18-decimal token", decimals: 18, native: false },
] as const;
export type Asset = (typeof ASSETS)[number];

export const HOUR = 3_600n;
export const DAY = 86_400n;

/**
 * Coffer deployed on the in-process chain as on a local chain (the treasury Safe is the escrow's owner), with
 * named accounts funded in both test tokens and the payer's allowance given to the escrow.
 */
export async function escrowFixture() {
  const { manifest, escrow, usdc, dai, owners, treasurySafe, signers } = await deployProtocol();
  const [, , , , operator, payer, payee, feeReceiver, arbiter, stranger] = signers;
  for (const token of [usdc, dai]) {
    const unit = 10n ** (await token.decimals());
    for (const account of [payer!, payee!, operator!, feeReceiver!, stranger!]) {
      await token.mint(account.address, 1_000_000n * unit);
      await token.connect(account).approve(await escrow.getAddress(), ethers.MaxUint256);
    }
  }
  const chainId = (await hre.ethers.provider.getNetwork()).chainId;
  return {
    manifest: manifest as DeploymentManifest,
    escrow,
    usdc,
    dai,
    domain: { chainId, escrow: await escrow.getAddress() },
    operator: operator!,
    payer: payer!,
    payee: payee!,
    feeReceiver: feeReceiver!,
    arbiter: arbiter!,
    stranger: stranger!,
    owners,
    treasurySafe,
  };
}

export type EscrowFixture = Awaited<ReturnType<typeof escrowFixture>>;

/** Loads the escrow fixture (snapshotted by Hardhat after its first run). */
export const loadEscrow = (): Promise<EscrowFixture> => loadFixture(escrowFixture);

/** The token address for an asset kind (`ethers.ZeroAddress` for ETH). */
export async function tokenOf(fixture: EscrowFixture, asset: Asset): Promise<string> {
  if (asset.native) return ethers.ZeroAddress;
  return asset.decimals === 6 ? fixture.usdc.getAddress() : fixture.dai.getAddress();
}

let saltCounter = 0n;

/**
 * A payment of up to 100 whole units, with a one-hour pre-approval, a 7-day authorization, a 30-day refund window,
 * a fee between 0 and 2% to the fee receiver and an arbiter; `overrides` change any field.
 */
export async function makePayment(
  fixture: EscrowFixture,
  asset: Asset,
  overrides: Partial<Payment> = {},
): Promise<Payment> {
  const now = BigInt(await time.latest());
  const unit = 10n ** BigInt(asset.decimals);
  return {
    operator: fixture.operator.address,
    payer: fixture.payer.address,
    payee: fixture.payee.address,
    token: await tokenOf(fixture, asset),
    maxAmount: 100n * unit,
    preApprovalExpiry: now + HOUR,
    authorizationExpiry: now + 7n * DAY,
    refundExpiry: now + 30n * DAY,
    minFeeBps: 0,
    maxFeeBps: 200,
    feeReceiver: fixture.feeReceiver.address,
    arbiter: fixture.arbiter.address,
    referenceId: ethers.id(`order-${++saltCounter}`),
    salt: saltCounter,
    ...overrides,
  };
}

/** `amount` whole units of an asset. */
export const units = (asset: Asset, amount: bigint): bigint => amount * 10n ** BigInt(asset.decimals);

/** ETH to send with a pull of `amount` of the payment's token. */
export const valueFor = (payment: Payment, amount: bigint): bigint =>
  payment.token === ethers.ZeroAddress ? amount : 0n;

/** The payer authorizes `amount` of `payment` itself. */
export async function authorize(fixture: EscrowFixture, payment: Payment, amount: bigint) {
  return fixture.escrow.connect(fixture.payer).authorize(payment, amount, "0x", { value: valueFor(payment, amount) });
}

/** Balance of `account` in `token` (`ethers.ZeroAddress`: ETH). */
export async function balanceOf(token: string, account: string): Promise<bigint> {
  if (token === ethers.ZeroAddress) return hre.ethers.provider.getBalance(account);
  return (await hre.ethers.getContractAt("MockERC20", token)).balanceOf(account);
}

export { signInvoice, signPaymentApproval, type Invoice, type Payment };
