/**
 * Makes Coffer events fast on a local Anvil chain: subscriptions of an hourly plan (1 % fee) charged in
 * `chargeMany` batches. Automine is off while it works: it sends a round's transactions with explicit nonces and
 * gas limits, then mines blocks until the pool is empty, so that a round of hundreds of charges takes one or two
 * blocks. Every receipt is checked (status 1) and its logs counted.
 *
 * Per charge: one `SubscriptionCharged` (a Coffer event) and two token `Transfer`s (payee and fee receiver).
 */
import { ethers } from "ethers";
import { CofferSubscriptions__factory, MockERC20__factory } from "../../typechain-types";
import type { DeploymentManifest } from "../../deploy/manifest";
import { devPrivateKey } from "../../scripts/lib/local-chain";
import { emptyTally, tallyLogs, type EventTally } from "./stats";

/** Development accounts: the deployer (0) sends the batches; 1 is the merchant, 2 the payee, 3 the fee receiver. */
const DRIVER = 0;
const MERCHANT = 1;
const PAYEE = 2;
const FEE_RECEIVER = 3;
/** The subscribers: development accounts 4 to 9, subscribed round-robin. */
export const SUBSCRIBER_ACCOUNTS = [4, 5, 6, 7, 8, 9] as const;

const PERIOD = 3_600;
const UNIT = 1_000_000n;
/** Gas limits: generous upper bounds (a `chargeMany` charge costs ≈ 45k; a first subscription ≈ 200k). */
const SUBSCRIBE_GAS = 400_000n;
const CHARGE_GAS_EACH = 60_000n;
const CHARGE_GAS_BASE = 100_000n;

export interface GeneratorOptions {
  /** Subscriptions created first (each `subscribe` makes two Coffer events); charges per round. */
  subscriptions: number;
  /** Subscriptions charged per `chargeMany` transaction. */
  batch: number;
  log?: (line: string) => void;
}

export interface EventGenerator {
  /** Coffer events, token transfers and other logs on the chain so far (the deployment's included). */
  readonly tally: EventTally;
  /** Transactions sent and blocks mined by the generator. */
  readonly sent: { transactions: number; blocks: number };
  /** Adds events until the chain holds `cofferEvents` Coffer events (exactly, unless already past). */
  growTo(cofferEvents: number): Promise<EventTally>;
  /** The latest block number. */
  head(): Promise<number>;
  /** A subscriber whose activity is queried (development account 4). */
  readonly queriedAccount: string;
  /**
   * Lag samples: advances time a period, turns automine on, and returns a function that charges one
   * subscription per call with `charge(id)` (mined at once) and resolves with the receipt's transaction hash.
   */
  singleCharges(): Promise<
    () => Promise<{ hash: string; blockNumber: number; logIndex: number; transferLogIndex: number }>
  >;
}

type Rpc = ethers.JsonRpcProvider;

/** A signer with its own nonce counter: transactions are signed here and sent raw, without waiting. */
class Sender {
  readonly wallet: ethers.Wallet;
  private nonce: number | undefined;
  constructor(
    index: number,
    private readonly provider: Rpc,
  ) {
    this.wallet = new ethers.Wallet(devPrivateKey(index), provider);
  }
  get address(): string {
    return this.wallet.address;
  }
  async send(to: string, data: string, gasLimit: bigint, chainId: bigint, gasPrice: bigint): Promise<string> {
    this.nonce ??= await this.provider.getTransactionCount(this.address, "pending");
    const signed = await this.wallet.signTransaction({
      to,
      data,
      gasLimit,
      chainId,
      nonce: this.nonce,
      type: 0,
      gasPrice,
    });
    this.nonce += 1;
    return (await this.provider.send("eth_sendRawTransaction", [signed])) as string;
  }
}

interface RawReceipt {
  status: string;
  blockNumber: string;
  logs: { address: string; logIndex: string }[];
}

/** The receipt of `hash` as the node returns it, polled every 2 ms (automine: there at once, or within ms). */
async function rawReceipt(provider: Rpc, hash: string): Promise<RawReceipt> {
  for (let tries = 0; tries < 5_000; tries++) {
    const receipt = (await provider.send("eth_getTransactionReceipt", [hash])) as RawReceipt | null;
    if (receipt !== null) return receipt;
    await new Promise((resolve) => setTimeout(resolve, 2));
  }
  throw new Error(`Transaction ${hash} was not mined`);
}

/** The logs of the chain from block 0 to `toBlock` (the deployment: a few dozen). */
async function logsUpTo(provider: Rpc, toBlock: number): Promise<ethers.Log[]> {
  return provider.getLogs({ fromBlock: 0, toBlock });
}

/** Starts a generator on a chain where Coffer is deployed (`manifest`); sets up the plan on first use. */
export async function createEventGenerator(
  provider: Rpc,
  manifest: DeploymentManifest,
  options: GeneratorOptions,
): Promise<EventGenerator> {
  const log = options.log ?? (() => undefined);
  const address = (name: string): string => {
    const record = manifest.contracts[name];
    if (record === undefined) throw new Error(`The manifest has no ${name}`);
    return record.address;
  };
  const coffer = new Set(
    ["CofferEscrow", "CofferSubscriptions", "CofferTreasuryModule", "CofferSplitFactory"]
      .filter((name) => manifest.contracts[name] !== undefined)
      .map((name) => address(name).toLowerCase()),
  );
  const tokens = new Set(
    Object.values(manifest.contracts)
      .filter((record) => record.contract === "MockERC20")
      .map((record) => record.address.toLowerCase()),
  );
  const contracts = { coffer, tokens };
  const subscriptionsAddress = address("CofferSubscriptions");
  const tokenAddress = address("TestUSDC");
  const subscriptionsIface = CofferSubscriptions__factory.createInterface();
  const tokenIface = MockERC20__factory.createInterface();
  const { chainId } = await provider.getNetwork();
  const gasPrice = 2n * ((await provider.getBlock("latest"))!.baseFeePerGas ?? 1_000_000_000n) + 1n;

  const tally = tallyLogs(await logsUpTo(provider, await provider.getBlockNumber()), contracts, emptyTally());
  const sent = { transactions: 0, blocks: 0 };
  const senders = new Map<number, Sender>();
  const sender = (index: number): Sender => {
    let found = senders.get(index);
    if (found === undefined) senders.set(index, (found = new Sender(index, provider)));
    return found;
  };

  /** Mines until the pool is empty, then checks every receipt and counts its logs. */
  const mineAndCount = async (hashes: readonly string[]): Promise<void> => {
    for (;;) {
      const status = (await provider.send("txpool_status", [])) as { pending: string; queued: string };
      if (BigInt(status.pending) === 0n) break;
      await provider.send("evm_mine", []);
      sent.blocks += 1;
    }
    const CHUNK = 50;
    for (let i = 0; i < hashes.length; i += CHUNK) {
      const receipts = await Promise.all(
        hashes.slice(i, i + CHUNK).map(async (hash) => {
          const receipt = await provider.getTransactionReceipt(hash);
          if (receipt === null) throw new Error(`Transaction ${hash} was not mined`);
          if (receipt.status !== 1) throw new Error(`Transaction ${hash} reverted (gas used ${receipt.gasUsed})`);
          return receipt;
        }),
      );
      for (const receipt of receipts) tallyLogs(receipt.logs, contracts, tally);
    }
    sent.transactions += hashes.length;
  };

  const sendAll = async (txs: readonly { from: number; to: string; data: string; gas: bigint }[]) => {
    const hashes: string[] = [];
    for (const tx of txs) hashes.push(await sender(tx.from).send(tx.to, tx.data, tx.gas, chainId, gasPrice));
    return hashes;
  };

  // Set-up: automine off, the plan, funded subscribers with unlimited allowances.
  await provider.send("evm_setAutomine", [false]);
  const planParams = {
    payee: sender(PAYEE).address,
    token: tokenAddress,
    amount: 10n * UNIT,
    period: PERIOD,
    trial: 0,
    grace: PERIOD / 2,
    feeBps: 100,
    feeReceiver: sender(FEE_RECEIVER).address,
  };
  const [planId] = subscriptionsIface.decodeFunctionResult(
    "createPlan",
    await provider.call({
      from: sender(MERCHANT).address,
      to: subscriptionsAddress,
      data: subscriptionsIface.encodeFunctionData("createPlan", [planParams]),
    }),
  ) as unknown as [bigint];
  await mineAndCount(
    await sendAll([
      {
        from: MERCHANT,
        to: subscriptionsAddress,
        data: subscriptionsIface.encodeFunctionData("createPlan", [planParams]),
        gas: 300_000n,
      },
      ...SUBSCRIBER_ACCOUNTS.flatMap((index) => [
        {
          from: DRIVER,
          to: tokenAddress,
          data: tokenIface.encodeFunctionData("mint", [sender(index).address, 10n ** 30n]),
          gas: 200_000n,
        },
        {
          from: index,
          to: tokenAddress,
          data: tokenIface.encodeFunctionData("approve", [subscriptionsAddress, ethers.MaxUint256]),
          gas: 200_000n,
        },
      ]),
    ]),
  );

  /** Subscription ids, in creation order (ids are sequential from the contract's counter). */
  const ids: bigint[] = [];
  let subscribed = false;
  /** Subscriptions of the current period still unpaid (the previous round stopped at a target). */
  let unpaid: bigint[] = [];

  const subscribeAll = async (limit: number): Promise<void> => {
    const count = Math.min(options.subscriptions, limit);
    const [firstId] = subscriptionsIface.decodeFunctionResult(
      "subscribe",
      await provider.call({
        from: sender(SUBSCRIBER_ACCOUNTS[0]).address,
        to: subscriptionsAddress,
        data: subscriptionsIface.encodeFunctionData("subscribe", [planId]),
      }),
    ) as unknown as [bigint];
    const txs = Array.from({ length: count }, (_, i) => ({
      from: SUBSCRIBER_ACCOUNTS[i % SUBSCRIBER_ACCOUNTS.length]!,
      to: subscriptionsAddress,
      data: subscriptionsIface.encodeFunctionData("subscribe", [planId]),
      gas: SUBSCRIBE_GAS,
    }));
    await mineAndCount(await sendAll(txs));
    for (let i = 0; i < count; i++) ids.push(firstId + BigInt(i));
    subscribed = true;
    log(`  ${count} subscriptions created (ids ${firstId}…${firstId + BigInt(count - 1)})`);
  };

  const chargeRound = async (limit: number): Promise<void> => {
    if (unpaid.length === 0) {
      await provider.send("evm_increaseTime", [PERIOD]);
      unpaid = [...ids];
    }
    const now = unpaid.slice(0, limit);
    unpaid = unpaid.slice(now.length);
    const txs = [];
    for (let i = 0; i < now.length; i += options.batch) {
      const batch = now.slice(i, i + options.batch);
      txs.push({
        from: DRIVER,
        to: subscriptionsAddress,
        data: subscriptionsIface.encodeFunctionData("chargeMany", [batch]),
        gas: CHARGE_GAS_BASE + CHARGE_GAS_EACH * BigInt(batch.length),
      });
    }
    const before = tally.coffer;
    await mineAndCount(await sendAll(txs));
    if (tally.coffer - before !== now.length) {
      throw new Error(`A round of ${now.length} charges made ${tally.coffer - before} Coffer events`);
    }
  };

  const growTo = async (target: number): Promise<EventTally> => {
    if (!subscribed) {
      // Each subscription makes two Coffer events (created, charged).
      await subscribeAll(Math.max(1, Math.floor((target - tally.coffer) / 2)));
    }
    while (tally.coffer < target) await chargeRound(target - tally.coffer);
    return { ...tally };
  };

  return {
    tally,
    sent,
    growTo,
    head: () => provider.getBlockNumber(),
    queriedAccount: sender(SUBSCRIBER_ACCOUNTS[0]).address.toLowerCase(),
    singleCharges: async () => {
      await provider.send("evm_increaseTime", [PERIOD]);
      await provider.send("evm_mine", []);
      await provider.send("evm_setAutomine", [true]);
      const queue = [...ids];
      return async () => {
        const id = queue.shift();
        if (id === undefined) throw new Error("No subscription left to charge");
        const hash = await sender(DRIVER).send(
          subscriptionsAddress,
          subscriptionsIface.encodeFunctionData("charge", [id]),
          CHARGE_GAS_BASE + CHARGE_GAS_EACH,
          chainId,
          gasPrice,
        );
        const receipt = await rawReceipt(provider, hash);
        if (BigInt(receipt.status) !== 1n) throw new Error(`charge(${id}) reverted: ${hash}`);
        const charged = receipt.logs.find(
          (entry) => entry.address.toLowerCase() === subscriptionsAddress.toLowerCase(),
        );
        if (charged === undefined) throw new Error(`charge(${id}) emitted no subscription event: ${hash}`);
        // The charge's activity rows are those of its first token transfer (the subscriber paying the payee).
        const paid = receipt.logs.find((entry) => entry.address.toLowerCase() === tokenAddress.toLowerCase());
        if (paid === undefined) throw new Error(`charge(${id}) moved no token: ${hash}`);
        return {
          hash,
          blockNumber: Number(BigInt(receipt.blockNumber)),
          logIndex: Number(BigInt(charged.logIndex)),
          transferLogIndex: Number(BigInt(paid.logIndex)),
        };
      };
    },
  };
}
