import { loadFixture } from "@nomicfoundation/hardhat-network-helpers";
import { ethers } from "ethers";
import { deployProtocol } from "../helpers/protocol-fixture";
import type { ICofferSubscriptions } from "../../typechain-types/contracts/subscriptions/CofferSubscriptions";

export const HOUR = 3_600;
export const DAY = 86_400;

/** Subscription statuses, as the contract numbers them. */
export const Status = { None: 0n, Active: 1n, PastDue: 2n, Paused: 3n, Cancelled: 4n, Lapsed: 5n } as const;
/** Failure reasons, as the contract numbers them. */
export const Reason = { AllowanceTooLow: 0n, BalanceTooLow: 1n, TransferFailed: 2n, WrongAmountDelivered: 3n } as const;

/** Coffer deployed on the in-process chain; subscribers funded in USDC-like tokens with allowances. */
export async function subscriptionsFixture() {
  const { subscriptions, usdc, treasurySafe, signers } = await deployProtocol();
  const [, , , , merchant, payee, feeReceiver, keeper, stranger, ...subscribers] = signers;
  for (const account of subscribers.slice(0, 6)) {
    await usdc.mint(account.address, 1_000_000n * 10n ** 6n);
    await usdc.connect(account).approve(await subscriptions.getAddress(), ethers.MaxUint256);
  }
  return {
    subscriptions,
    usdc,
    merchant: merchant!,
    payee: payee!,
    feeReceiver: feeReceiver!,
    keeper: keeper!,
    stranger: stranger!,
    subscribers: subscribers.slice(0, 6),
    treasurySafe,
  };
}

export type SubscriptionsFixture = Awaited<ReturnType<typeof subscriptionsFixture>>;

export const loadSubscriptions = (): Promise<SubscriptionsFixture> => loadFixture(subscriptionsFixture);

/** Plan parameters: 10 USDC every 30 days, no trial, 3 days of grace, no fee; `overrides` change any field. */
export async function planParams(
  f: SubscriptionsFixture,
  overrides: Partial<ICofferSubscriptions.PlanParamsStruct> = {},
): Promise<ICofferSubscriptions.PlanParamsStruct> {
  return {
    payee: f.payee.address,
    token: await f.usdc.getAddress(),
    amount: 10_000_000n,
    period: 30 * DAY,
    trial: 0,
    grace: 3 * DAY,
    feeBps: 0,
    feeReceiver: ethers.ZeroAddress,
    ...overrides,
  };
}

/** Creates a plan as the merchant; returns its id. */
export async function createPlan(
  f: SubscriptionsFixture,
  overrides: Partial<ICofferSubscriptions.PlanParamsStruct> = {},
): Promise<bigint> {
  const params = await planParams(f, overrides);
  const id = await f.subscriptions.connect(f.merchant).createPlan.staticCall(params);
  await f.subscriptions.connect(f.merchant).createPlan(params);
  return id;
}

/** Subscribes `subscriber` to `planId`; returns the subscription id. */
export async function subscribe(
  f: SubscriptionsFixture,
  subscriber: ethers.Signer,
  planId: bigint,
  value = 0n,
): Promise<bigint> {
  const id = await f.subscriptions.connect(subscriber).subscribe.staticCall(planId, { value });
  await f.subscriptions.connect(subscriber).subscribe(planId, { value });
  return id;
}
