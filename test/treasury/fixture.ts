import { loadFixture } from "@nomicfoundation/hardhat-network-helpers";
import { ethers } from "ethers";
import { deployProtocol } from "../helpers/protocol-fixture";

export const DAY = 86_400;
export const MONTH = 30 * DAY;
export const UNIT = 1_000_000n;

/**
 * The treasury Safe (2-of-3, real Safe v1.4.1) with the module enabled, at least 100,000 USDC and 10 ETH (the
 * deterministic addresses are shared with other test files' fixtures, so assert on balance changes), an operator with a
 * budget of 1,000 USDC and 1 ETH per 30 days, a queue limit of 50,000 USDC and 5 ETH per 30 days, a 2-day queue
 * delay, and the Safe's USDC allowance to the module.
 */
export async function treasuryFixture() {
  const {
    treasury: module,
    usdc,
    treasurySafe: safe,
    asTreasurySafe,
    deployer,
    owners,
    signers,
  } = await deployProtocol();
  const [, , , , operator, otherOperator, vendor, cold, keeper, stranger] = signers;
  const moduleAddress = await module.getAddress();
  const usdcAddress = await usdc.getAddress();

  /** Executes a call from the treasury Safe with two owners' signatures, sent by the keeper. */
  const asSafe = (to: string, data: string) => asTreasurySafe(to, data, keeper!);
  /** Calls the module as the treasury Safe. */
  const policy = (data: string) => asSafe(moduleAddress, data);

  await usdc.mint(safe, 100_000n * UNIT);
  for (const holder of [vendor!, cold!]) await usdc.mint(holder.address, UNIT);
  await deployer.sendTransaction({ to: safe, value: ethers.parseEther("10") });
  const safeInterface = new ethers.Interface(["function enableModule(address module)"]);
  await asSafe(safe, safeInterface.encodeFunctionData("enableModule", [moduleAddress]));
  await policy(module.interface.encodeFunctionData("setOperator", [operator!.address, true, false]));
  await policy(
    module.interface.encodeFunctionData("setBudget", [operator!.address, usdcAddress, 1_000n * UNIT, MONTH]),
  );
  await policy(
    module.interface.encodeFunctionData("setBudget", [
      operator!.address,
      ethers.ZeroAddress,
      ethers.parseEther("1"),
      MONTH,
    ]),
  );
  await policy(
    module.interface.encodeFunctionData("setQueueLimit", [operator!.address, usdcAddress, 50_000n * UNIT, MONTH]),
  );
  await policy(
    module.interface.encodeFunctionData("setQueueLimit", [
      operator!.address,
      ethers.ZeroAddress,
      ethers.parseEther("5"),
      MONTH,
    ]),
  );
  await policy(module.interface.encodeFunctionData("setQueueDelay", [2 * DAY]));
  await asSafe(usdcAddress, usdc.interface.encodeFunctionData("approve", [moduleAddress, ethers.MaxUint256]));

  return {
    module,
    usdc,
    usdcAddress,
    safe,
    asSafe,
    policy,
    operator: operator!,
    otherOperator: otherOperator!,
    vendor: vendor!,
    cold: cold!,
    keeper: keeper!,
    stranger: stranger!,
    owners,
  };
}

export type TreasuryFixture = Awaited<ReturnType<typeof treasuryFixture>>;
export const loadTreasury = (): Promise<TreasuryFixture> => loadFixture(treasuryFixture);

/** Start of the budget period (fixed grid from the unix epoch) that contains `timestamp`. */
export const periodStartOf = (timestamp: number, period = MONTH): number => timestamp - (timestamp % period);
