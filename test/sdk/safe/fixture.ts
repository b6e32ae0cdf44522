import { ethers } from "ethers";
import { devPrivateKey } from "../../../scripts/lib/local-chain";
import { connectSafe, type SafeConnection } from "../../../sdk/src/safe";
import { MockERC20__factory, type MockERC20 } from "../../../typechain-types";
import { startDeployedLocalChain, type DeployedLocalChain } from "../../helpers/local-chain";

/** Starting balances of the treasury Safe. */
export const SAFE_USDC = 1_000_000_000n; // 1,000 tUSDC (6 decimals)
export const SAFE_ETH = ethers.parseEther("10");

/** An Anvil chain with Coffer deployed and the 2-of-3 treasury Safe (owners: dev accounts 1–3) funded. */
export interface SafeFixture {
  readonly local: DeployedLocalChain;
  readonly url: string;
  readonly safeAddress: string;
  readonly usdc: MockERC20;
  readonly usdcAddress: string;
  /** Dev account `index` as an ethers wallet on the chain. */
  wallet(index: number): ethers.Wallet;
  /** A protocol-kit connection to the treasury Safe with dev account `index` as signer (none when undefined). */
  connect(index?: number): Promise<SafeConnection>;
  stop(): Promise<void>;
}

export async function startSafeFixture(): Promise<SafeFixture> {
  const local = await startDeployedLocalChain();
  const safeAddress = local.first.manifest.treasurySafe!.address;
  const usdcAddress = local.first.manifest.contracts["TestUSDC"]!.address;
  const wallet = (index: number) =>
    new ethers.NonceManager(new ethers.Wallet(devPrivateKey(index), local.chain.provider));
  const deployer = wallet(0);
  const usdc = MockERC20__factory.connect(usdcAddress, deployer);
  await (await usdc.mint(safeAddress, SAFE_USDC)).wait();
  await (await deployer.sendTransaction({ to: safeAddress, value: SAFE_ETH })).wait();
  const connections: SafeConnection[] = [];
  return {
    local,
    url: local.chain.url,
    safeAddress,
    usdc,
    usdcAddress,
    wallet: (index) => new ethers.Wallet(devPrivateKey(index), local.chain.provider),
    connect: async (index) => {
      const connection = await connectSafe({
        rpcUrl: local.chain.url,
        safeAddress,
        privateKey: index === undefined ? undefined : devPrivateKey(index),
      });
      connections.push(connection);
      return connection;
    },
    stop: async () => {
      for (const connection of connections) connection.close();
      await local.stop();
    },
  };
}

/** A fresh address that holds nothing. */
export function newAddress(): string {
  return ethers.Wallet.createRandom().address;
}

/** Awaits a rejection with an error of `type` and returns it (fails the test otherwise). */
export async function rejection<T extends Error>(
  promise: Promise<unknown>,
  type: abstract new (...args: never[]) => T,
): Promise<T> {
  try {
    await promise;
  } catch (error) {
    if (error instanceof type) return error;
    throw new Error(`expected ${type.name}, got ${(error as Error).name}: ${(error as Error).message}`);
  }
  throw new Error(`expected ${type.name}, but it resolved`);
}
