/**
 * What every step of the story shares: the chain and its deployment, the cast's wallets and clients, the story's
 * clock and log, and the records that end up in the {@link ScenarioResult}.
 */
import { ethers } from "ethers";
import { createCofferClient, type CofferClient } from "../../../sdk/src/client";
import * as escrow from "../../../sdk/src/escrow";
import { connectSafe, type SafeConnection } from "../../../sdk/src/safe";
import { readDeploymentManifest } from "../../../sdk/src/node";
import { MockERC20__factory, type MockERC20 } from "../../../typechain-types";
import { devPrivateKey } from "../local-chain";
import {
  DAY,
  HOUR,
  SCENARIO_ACCOUNTS,
  SCENARIO_DAY_ONE,
  scenarioAddress,
  type ScenarioInvoice,
  type ScenarioOptions,
  type ScenarioPayment,
  type ScenarioRole,
} from "./model";

/** What the steps record on the way, in the order they record it. */
export interface ScenarioRecords {
  /** Reference → payment (escrowed orders and counter sales). */
  readonly payments: Record<string, ScenarioPayment>;
  /** Reference → the payment struct, for the steps that act on an order later. */
  readonly orders: Map<string, escrow.Payment>;
  /** Reference → invoice. */
  readonly invoices: Record<string, ScenarioInvoice>;
  /** Name → subscription. */
  readonly subscriptions: Record<string, { id: string; planId: string; subscriber: string }>;
}

/** The treasury Safe's owners who act in the story. */
export type TreasurySigner = "treasurySigner1" | "treasurySigner2";

export interface ScenarioContext {
  readonly provider: ethers.JsonRpcProvider;
  readonly options: ScenarioOptions;
  readonly chainId: number;
  /** The deployed contract's address; throws when the deployment has none. */
  contractAddress(name: string): string;
  readonly safeAddress: string;
  /** Role → address. */
  readonly accounts: Record<ScenarioRole, string>;
  readonly tokens: { readonly TestUSDC: string; readonly TestDAI: string; readonly ETH: string };
  readonly escrowAddress: string;
  readonly subscriptionsAddress: string;
  wallet(role: ScenarioRole): ethers.Wallet;
  /** The role's Coffer client (one per role). */
  client(role: ScenarioRole): Promise<CofferClient>;
  /** The signer's connection to the treasury Safe (one per signer, closed by {@link close}). */
  treasurySigner(role: TreasurySigner): Promise<SafeConnection>;
  /** A test token as the role sees it. */
  token(address: string, role: ScenarioRole): MockERC20;
  /** Waits for a transaction; throws when it reverted. */
  mined(response: Promise<ethers.ContractTransactionResponse>): Promise<ethers.TransactionReceipt>;
  /** Unix seconds of the story's day (1, 2) at `hh:mm`. */
  at(day: number, hhmm: string): number;
  /** Moves the story's clock: mines an empty block at the time, so that views and gas estimates see it too. */
  clock(day: number, hhmm: string): Promise<void>;
  /** Logs a line, prefixed with the story's clock. */
  step(line: string): void;
  /** An amount with its token's decimals and name. */
  show(tokenAddress: string, amount: bigint): string;
  readonly startTime: number;
  readonly records: ScenarioRecords;
  /** Closes the treasury signers' connections. */
  close(): void;
}

/** Reads the deployment and the chain's clock; sends no transaction. */
export async function createContext(
  provider: ethers.JsonRpcProvider,
  options: ScenarioOptions,
  log: (line: string) => void,
): Promise<ScenarioContext> {
  const chainId = Number((await provider.getNetwork()).chainId);
  const manifest = readDeploymentManifest(options.deploymentsDir, chainId);
  const contractAddress = (name: string): string => {
    const record = manifest.contracts[name];
    if (record === undefined) throw new Error(`The deployment of chain ${chainId} has no ${name}`);
    return record.address;
  };
  const safeAddress = manifest.treasurySafe?.address;
  if (safeAddress === undefined) throw new Error(`The deployment of chain ${chainId} has no treasury Safe`);

  const wallet = (role: ScenarioRole): ethers.Wallet =>
    new ethers.Wallet(devPrivateKey(SCENARIO_ACCOUNTS[role]), provider);
  const accounts = Object.fromEntries(
    (Object.keys(SCENARIO_ACCOUNTS) as ScenarioRole[]).map((role) => [role, scenarioAddress(role)]),
  ) as Record<ScenarioRole, string>;
  const clients = new Map<ScenarioRole, CofferClient>();
  const client = async (role: ScenarioRole): Promise<CofferClient> => {
    let found = clients.get(role);
    if (found === undefined) {
      found = await createCofferClient({ runner: wallet(role), manifest });
      clients.set(role, found);
    }
    return found;
  };
  const signers = new Map<TreasurySigner, SafeConnection>();
  const treasurySigner = async (role: TreasurySigner): Promise<SafeConnection> => {
    let found = signers.get(role);
    if (found === undefined) {
      const privateKey = devPrivateKey(SCENARIO_ACCOUNTS[role]);
      found = await connectSafe({ rpcUrl: options.rpcUrl, safeAddress, privateKey });
      signers.set(role, found);
    }
    return found;
  };
  const tokens = {
    TestUSDC: contractAddress("TestUSDC"),
    TestDAI: contractAddress("TestDAI"),
    ETH: ethers.ZeroAddress,
  };
  const escrowAddress = contractAddress("CofferEscrow");
  const subscriptionsAddress = contractAddress("CofferSubscriptions");
  const mined = async (response: Promise<ethers.ContractTransactionResponse>): Promise<ethers.TransactionReceipt> => {
    const receipt = await (await response).wait();
    if (receipt === null || receipt.status !== 1) throw new Error("A scenario transaction failed");
    return receipt;
  };

  const latest = await provider.getBlock("latest");
  if (latest === null) throw new Error("The chain has no latest block");
  const dayOne =
    latest.timestamp < SCENARIO_DAY_ONE ? SCENARIO_DAY_ONE : (Math.floor(latest.timestamp / DAY) + 1) * DAY;
  const at = (day: number, hhmm: string): number => {
    const [hours, minutes] = hhmm.split(":").map(Number);
    return dayOne + (day - 1) * DAY + (hours ?? 0) * HOUR + (minutes ?? 0) * 60;
  };
  let clockLabel = "";
  const clock = async (day: number, hhmm: string): Promise<void> => {
    const time = at(day, hhmm);
    const head = await provider.getBlock("latest");
    if (head !== null && head.timestamp >= time) throw new Error(`The chain is past the story's time ${hhmm}`);
    await provider.send("evm_mine", [time]);
    clockLabel = `[day ${day} ${hhmm}]`;
  };

  const names = { [tokens.TestUSDC]: "tUSDC", [tokens.TestDAI]: "tDAI", [tokens.ETH]: "ETH" };
  const decimals = { [tokens.TestUSDC]: 6, [tokens.TestDAI]: 18, [tokens.ETH]: 18 };

  return {
    provider,
    options,
    chainId,
    contractAddress,
    safeAddress,
    accounts,
    tokens,
    escrowAddress,
    subscriptionsAddress,
    wallet,
    client,
    treasurySigner,
    token: (address, role) => MockERC20__factory.connect(address, wallet(role)),
    mined,
    at,
    clock,
    step: (line) => log(`${clockLabel} ${line}`),
    show: (tokenAddress, amount) => `${ethers.formatUnits(amount, decimals[tokenAddress])} ${names[tokenAddress]}`,
    startTime: at(1, "08:30"),
    records: { payments: {}, orders: new Map(), invoices: {}, subscriptions: {} },
    close: () => {
      for (const connection of signers.values()) connection.close();
    },
  };
}
