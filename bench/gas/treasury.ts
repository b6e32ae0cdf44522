import type { HardhatRuntimeEnvironment } from "hardhat/types";
import type { DeploymentManifest } from "../../deploy/manifest";
import { devPrivateKey } from "../../scripts/lib/local-chain";
import { execSafeCall } from "../../scripts/lib/safe-exec";
import { measure, measureReceipt, type Measurements } from "./measure";

/**
 * The treasury module on the 2-of-3 treasury Safe, with a 6-decimal token and recipients that already hold it:
 * an operator's budgeted transfer (not the first of its period), queueing and executing a larger transfer, and a
 * sweep to cold storage. Compare `treasury.budgetTransfer` with `baseline.safe2of3.erc20Transfer`.
 */
export async function measureTreasury(
  hre: HardhatRuntimeEnvironment,
  manifest: DeploymentManifest,
): Promise<Measurements> {
  const [, , , , , , , , , , keeper, operator, vendor, cold] = await hre.ethers.getSigners();
  const module = await hre.ethers.getContractAt(
    "CofferTreasuryModule",
    manifest.contracts["CofferTreasuryModule"]!.address,
  );
  const token = await hre.ethers.getContractAt("MockERC20", manifest.contracts["TestUSDC"]!.address);
  const safe = manifest.treasurySafe!.address;
  const moduleAddress = await module.getAddress();
  const tokenAddress = await token.getAddress();
  const unit = 1_000_000n;
  const owners = [devPrivateKey(1), devPrivateKey(2)];
  const asSafe = (data: string, to = moduleAddress) => execSafeCall(safe, owners, keeper!, { to, data });

  await (await token.mint(safe, 100_000n * unit)).wait();
  for (const holder of [vendor!, cold!]) await (await token.mint(holder.address, unit)).wait();
  const safeInterface = new hre.ethers.Interface(["function enableModule(address module)"]);
  await asSafe(safeInterface.encodeFunctionData("enableModule", [moduleAddress]), safe);
  await asSafe(module.interface.encodeFunctionData("setOperator", [operator!.address, true, false]));
  await asSafe(
    module.interface.encodeFunctionData("setBudget", [operator!.address, tokenAddress, 10_000n * unit, 30 * 86_400]),
  );
  await asSafe(module.interface.encodeFunctionData("setQueueDelay", [2 * 86_400]));
  await asSafe(
    module.interface.encodeFunctionData("setQueueLimit", [
      operator!.address,
      tokenAddress,
      50_000n * unit,
      30 * 86_400,
    ]),
  );
  await asSafe(module.interface.encodeFunctionData("setSweepRule", [tokenAddress, cold!.address, 50_000n * unit]));

  const figures: Measurements = {};
  // Through the Safe's module call (no allowance): measured for comparison, not a snapshot key.
  await (await module.connect(operator!).transfer(safe, tokenAddress, vendor!.address, 10n * unit)).wait();
  const viaModuleCall = (
    await measure(module.connect(operator!).transfer(safe, tokenAddress, vendor!.address, 10n * unit))
  ).gas;
  // The Safe approves the module once per token, so that budget transfers move by transferFrom.
  await asSafe(token.interface.encodeFunctionData("approve", [moduleAddress, hre.ethers.MaxUint256]), tokenAddress);
  console.log(`treasury.budgetTransfer through execTransactionFromModule (no allowance): ${viaModuleCall}`);
  await (await module.connect(operator!).transfer(safe, tokenAddress, vendor!.address, 10n * unit)).wait();
  figures["treasury.budgetTransfer"] = await measure(
    module.connect(operator!).transfer(safe, tokenAddress, vendor!.address, 10n * unit),
  );
  // A fixed time, so that the queued transfer's `eta` (calldata of executeQueued) does not depend on the clock.
  await hre.network.provider.send("evm_setNextBlockTimestamp", [2_100_000_000]);
  const queueing = await (
    await module.connect(operator!).queueTransfer(safe, tokenAddress, vendor!.address, 20_000n * unit)
  ).wait();
  figures["treasury.queue"] = await measureReceipt(queueing!);
  const queued = queueing!.logs.map((log) => module.interface.parseLog(log)).find((e) => e?.name === "TransferQueued");
  await hre.network.provider.send("evm_increaseTime", [2 * 86_400]);
  figures["treasury.executeQueued"] = await measure(
    module.connect(keeper!).executeQueued(queued!.args.transfer.toObject()),
  );
  figures["treasury.sweep"] = await measure(module.connect(keeper!).sweep(safe, tokenAddress));
  return figures;
}
