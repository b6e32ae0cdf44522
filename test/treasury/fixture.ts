import { loadFixture } from "@nomicfoundation/hardhat-network-helpers";
import { ethers } from "ethers";
import hre from "hardhat";
import { deployCoffer } from "../../deploy/deploy";
import { devPrivateKey } from "../../scripts/lib/local-chain";
import { execSafeCall } from "../../scripts/lib/safe-exec";
import type { CofferTreasuryModule, MockERC20 } from "../../typechain-types";

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
  const [deployer, owner1, owner2, owner3, operator, otherOperator, vendor, cold, keeper, stranger] =
    await hre.ethers.getSigners();
  const { manifest } = await deployCoffer({
    signer: deployer!,
    network: "hardhat",
    local: true,
    readArtifact: (name) => hre.artifacts.readArtifact(name),
    deploymentsDir: hre.config.paths.cache,
    treasuryOwners: [owner1!.address, owner2!.address, owner3!.address],
  });
  const module = (await hre.ethers.getContractAt(
    "CofferTreasuryModule",
    manifest.contracts["CofferTreasuryModule"]!.address,
  )) as unknown as CofferTreasuryModule;
  const usdc = (await hre.ethers.getContractAt(
    "MockERC20",
    manifest.contracts["TestUSDC"]!.address,
  )) as unknown as MockERC20;
  const safe = manifest.treasurySafe!.address;
  const moduleAddress = await module.getAddress();
  const usdcAddress = await usdc.getAddress();

  /** Executes a call from the treasury Safe with two owners' signatures. */
  const asSafe = (to: string, data: string) =>
    execSafeCall(safe, [devPrivateKey(1), devPrivateKey(2)], keeper!, { to, data });
  /** Calls the module as the treasury Safe. */
  const policy = (data: string) => asSafe(moduleAddress, data);

  await usdc.mint(safe, 100_000n * UNIT);
  for (const holder of [vendor!, cold!]) await usdc.mint(holder.address, UNIT);
  await deployer!.sendTransaction({ to: safe, value: ethers.parseEther("10") });
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
    owners: [owner1!, owner2!, owner3!],
  };
}

export type TreasuryFixture = Awaited<ReturnType<typeof treasuryFixture>>;
export const loadTreasury = (): Promise<TreasuryFixture> => loadFixture(treasuryFixture);

/** Start of the budget period (fixed grid from the unix epoch) that contains `timestamp`. */
export const periodStartOf = (timestamp: number, period = MONTH): number => timestamp - (timestamp % period);
