import { ethers } from "ethers";
import type { HardhatRuntimeEnvironment } from "hardhat/types";
import { deployCoffer } from "../../deploy/deploy";
import type { DeploymentManifest } from "../../deploy/manifest";
import { devPrivateKey } from "../../scripts/lib/local-chain";
import { execSafeCall } from "../../scripts/lib/safe-exec";
import { measure, measureReceipt, type Measurements } from "./measure";

/**
 * The baselines every Coffer figure is compared with, measured on the same chain: a raw ERC-20 transfer of a
 * 6-decimal token (to an address that holds the token, to a new one, and by `transferFrom` with an allowance
 * left over) and the same transfer executed by a 2-of-3 Safe's `execTransaction`.
 */
export async function measureBaselines(
  hre: HardhatRuntimeEnvironment,
): Promise<{ figures: Measurements; manifest: DeploymentManifest }> {
  const [deployer, owner1, owner2, owner3, holder, spender, receiver] = await hre.ethers.getSigners();
  const { manifest } = await deployCoffer({
    signer: deployer!,
    network: "hardhat",
    local: true,
    readArtifact: (name) => hre.artifacts.readArtifact(name),
    deploymentsDir: hre.config.paths.cache,
    treasuryOwners: [owner1!.address, owner2!.address, owner3!.address],
  });
  const token = await hre.ethers.getContractAt("MockERC20", manifest.contracts["TestUSDC"]!.address);
  const unit = 1_000_000n;
  for (const account of [holder!, receiver!]) await (await token.mint(account.address, 1_000n * unit)).wait();
  const safeAddress = manifest.treasurySafe!.address;
  await (await token.mint(safeAddress, 1_000n * unit)).wait();

  const figures: Measurements = {};
  figures["baseline.erc20.transfer"] = await measure(token.connect(holder!).transfer(receiver!.address, 10n * unit));
  figures["baseline.erc20.transferToNew"] = await measure(
    token.connect(holder!).transfer(ethers.getAddress(ethers.dataSlice(ethers.id("a new address"), 12)), 10n * unit),
  );
  await (await token.connect(holder!).approve(spender!.address, 100n * unit)).wait();
  figures["baseline.erc20.transferFrom"] = await measure(
    token.connect(spender!).transferFrom(holder!.address, receiver!.address, 10n * unit),
  );

  // The same transfer through the treasury Safe: two owners sign the Safe transaction hash, a third party sends.
  // The Safe has executed a transaction before, as a working treasury has (its first one also pays to set the nonce).
  const safeTransfer = async (): Promise<ethers.TransactionReceipt> =>
    execSafeCall(safeAddress, [devPrivateKey(1), devPrivateKey(2)], spender!, {
      to: await token.getAddress(),
      data: token.interface.encodeFunctionData("transfer", [receiver!.address, 10n * unit]),
    });
  await safeTransfer();
  figures["baseline.safe2of3.erc20Transfer"] = await measureReceipt(await safeTransfer());
  return { figures, manifest };
}
