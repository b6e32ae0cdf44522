/**
 * A mixed Coffer workload on a local Anvil chain, for the handler benchmark: after `driveCoffer` (every module set
 * up once: the treasury Safe with the module, a budget and two splits), rounds of escrow charges, authorizations
 * captured a round later, paid invoices, subscription charges (`chargeMany`), a push split's distribution and
 * treasury budget spends. Automine is off while it works: a round's transactions are signed here with explicit
 * nonces and gas limits, then blocks are mined until the pool is empty and every receipt is checked.
 */
import { ethers } from "ethers";
import {
  CofferEscrow__factory,
  CofferSplit__factory,
  CofferSubscriptions__factory,
  CofferTreasuryModule__factory,
  MockERC20__factory,
} from "../../typechain-types";
import type { DeploymentManifest } from "../../deploy/manifest";
import { devPrivateKey } from "../../scripts/lib/local-chain";
import * as sdkEscrow from "../../sdk/src/escrow";
import { driveCoffer, ROLES, type DriveResult } from "../../test/indexer/drive";
import { emptyTally, tallyLogs, type EventTally } from "./stats";

type Rpc = ethers.JsonRpcProvider;
const UNIT = 1_000_000n;
const PERIOD = 3_600;
const GAS = 600_000n;

/** What one round sends; the defaults make ≈ 70 Coffer events and ≈ 130 token transfers per round. */
export interface MixedRound {
  escrowCharges: number;
  authorizations: number;
  invoices: number;
  subscriptions: number;
  /** Each one a transfer into the push split and its distribution, by the keeper. */
  splitDistributions: number;
  budgetSpends: number;
}

export const DEFAULT_ROUND: MixedRound = {
  escrowCharges: 10,
  authorizations: 5,
  invoices: 5,
  subscriptions: 40,
  splitDistributions: 1,
  budgetSpends: 5,
};

/** Subscriptions charged per `chargeMany` transaction, whatever the round's size. */
const CHARGE_BATCH = 40;

/**
 * `round` with `scale` times every count: the same mix in fewer, fuller blocks. Anvil's cost per block grows with
 * its state, so a million events come out of 1,500 large blocks far sooner than out of 15,000 small ones.
 */
export function scaledRound(round: MixedRound, scale: number): MixedRound {
  if (!Number.isInteger(scale) || scale < 1)
    throw new Error(`A round's scale must be a positive integer, not ${scale}`);
  return {
    escrowCharges: round.escrowCharges * scale,
    authorizations: round.authorizations * scale,
    invoices: round.invoices * scale,
    subscriptions: round.subscriptions * scale,
    splitDistributions: round.splitDistributions * scale,
    budgetSpends: round.budgetSpends * scale,
  };
}

export interface MixedWorkload {
  readonly drive: DriveResult;
  /** Logs so far: Coffer contracts' (splits included), the followed tokens' transfers, the rest. */
  readonly tally: EventTally;
  /** Adds rounds until the chain holds at least `cofferEvents` Coffer events. */
  growTo(cofferEvents: number): Promise<EventTally>;
}

/** Signs raw transactions with its own nonce counter. */
class RawSigner {
  private nonce: number | undefined;
  readonly wallet: ethers.Wallet;
  constructor(
    index: number,
    private readonly provider: Rpc,
  ) {
    this.wallet = new ethers.Wallet(devPrivateKey(index), provider);
  }
  async sign(to: string, data: string, chainId: bigint, gasPrice: bigint, gasLimit = GAS): Promise<string> {
    this.nonce ??= await this.provider.getTransactionCount(this.wallet.address, "pending");
    const signed = await this.wallet.signTransaction({
      to,
      data,
      gasLimit,
      chainId,
      nonce: this.nonce,
      gasPrice,
      type: 0,
    });
    this.nonce += 1;
    return signed;
  }
}

/** Drives every module once (automine), then sets up the rounds' plan, subscriptions and funds. */
export async function createMixedWorkload(
  provider: Rpc,
  rpcUrl: string,
  deploymentsDir: string,
  manifest: DeploymentManifest,
  round: MixedRound = DEFAULT_ROUND,
  extraTokens: readonly string[] = [],
): Promise<MixedWorkload> {
  const drive = await driveCoffer({ rpcUrl, deploymentsDir });
  const address = (name: string) => {
    const record = manifest.contracts[name];
    if (record === undefined) throw new Error(`The manifest has no ${name}`);
    return record.address;
  };
  const escrowAddress = address("CofferEscrow");
  const subscriptionsAddress = address("CofferSubscriptions");
  const moduleAddress = address("CofferTreasuryModule");
  const usdc = drive.tokens.TestUSDC!;
  const pushSplit = drive.splits[0]!;
  const safe = drive.treasurySafe;
  const coffer = new Set(
    [escrowAddress, subscriptionsAddress, moduleAddress, address("CofferSplitFactory"), ...drive.splits].map((a) =>
      a.toLowerCase(),
    ),
  );
  const tokens = new Set([...Object.values(drive.tokens), ...extraTokens].map((a) => a.toLowerCase()));
  const contracts = { coffer, tokens };
  const tally = tallyLogs(await provider.getLogs({ fromBlock: 0, toBlock: "latest" }), contracts, emptyTally());

  const escrowIface = CofferEscrow__factory.createInterface();
  const subscriptionsIface = CofferSubscriptions__factory.createInterface();
  const splitIface = CofferSplit__factory.createInterface();
  const moduleIface = CofferTreasuryModule__factory.createInterface();
  const tokenIface = MockERC20__factory.createInterface();
  const { chainId } = await provider.getNetwork();
  const domain = { chainId: Number(chainId), escrow: escrowAddress };
  const signers = new Map<number, RawSigner>();
  const signer = (index: number) => {
    let found = signers.get(index);
    if (found === undefined) signers.set(index, (found = new RawSigner(index, provider)));
    return found;
  };
  const who = (index: number) => signer(index).wallet.address;
  const merchant = who(ROLES.merchant);
  const alice = who(ROLES.alice);
  const bob = who(ROLES.bob);
  const feeReceiver = who(ROLES.feeReceiver);
  // The push split's configuration as `driveCoffer` made it (merchant 70 %, Safe 30 %, 1 % incentive).
  const pushConfig = {
    recipients: (
      [
        [merchant, 700_000],
        [safe, 300_000],
      ] as [string, number][]
    )
      .sort((a, b) => (BigInt(a[0]) < BigInt(b[0]) ? -1 : 1))
      .map(([account, allocation]) => (BigInt(allocation) << 160n) | BigInt(account)),
    distributionIncentive: 10_000,
    pullOnly: false,
  };

  const sendRound = async (txs: { from: number; to: string; data: string; gas?: bigint }[]) => {
    const latest = (await provider.getBlock("latest"))!;
    const gasPrice = 2n * (latest.baseFeePerGas ?? 1_000_000_000n) + 1n;
    // Room for the whole round in one block, so the base fee does not outgrow the price set above.
    const roundGas = txs.reduce((sum, tx) => sum + (tx.gas ?? GAS), 0n);
    if (roundGas > latest.gasLimit) await provider.send("evm_setBlockGasLimit", [ethers.toQuantity(roundGas)]);
    const signed: string[] = [];
    for (const tx of txs) signed.push(await signer(tx.from).sign(tx.to, tx.data, chainId, gasPrice, tx.gas));
    // Sent 50 at a time: the pool holds a transaction whose nonce arrives early until its predecessors do.
    const hashes: string[] = [];
    for (let i = 0; i < signed.length; i += 50) {
      const sent = signed.slice(i, i + 50).map((raw) => provider.send("eth_sendRawTransaction", [raw]));
      hashes.push(...((await Promise.all(sent)) as string[]));
    }
    for (;;) {
      const status = (await provider.send("txpool_status", [])) as { pending: string };
      if (BigInt(status.pending) === 0n) break;
      await provider.send("evm_mine", []);
    }
    for (let i = 0; i < hashes.length; i += 50) {
      const receipts = await Promise.all(
        hashes.slice(i, i + 50).map(async (hash) => {
          const receipt = await provider.getTransactionReceipt(hash);
          if (receipt === null || receipt.status !== 1) throw new Error(`Transaction ${hash} failed`);
          return receipt;
        }),
      );
      for (const receipt of receipts) tallyLogs(receipt.logs, contracts, tally);
    }
  };

  // Set-up: funds, an hourly plan and its subscriptions.
  await provider.send("evm_setAutomine", [false]);
  const plan = {
    payee: merchant,
    token: usdc,
    amount: UNIT,
    period: PERIOD,
    trial: 0,
    grace: PERIOD / 2,
    feeBps: 100,
    feeReceiver,
  };
  const [planId] = subscriptionsIface.decodeFunctionResult(
    "createPlan",
    await provider.call({
      from: merchant,
      to: subscriptionsAddress,
      data: subscriptionsIface.encodeFunctionData("createPlan", [plan]),
    }),
  ) as unknown as [bigint];
  await sendRound([
    ...[alice, bob, safe, who(ROLES.keeper)].map((to) => ({
      from: ROLES.keeper,
      to: usdc,
      data: tokenIface.encodeFunctionData("mint", [to, 10n ** 30n]),
    })),
    {
      from: ROLES.merchant,
      to: subscriptionsAddress,
      data: subscriptionsIface.encodeFunctionData("createPlan", [plan]),
    },
  ]);
  const [firstId] = subscriptionsIface.decodeFunctionResult(
    "subscribe",
    await provider.call({
      from: alice,
      to: subscriptionsAddress,
      data: subscriptionsIface.encodeFunctionData("subscribe", [planId]),
    }),
  ) as unknown as [bigint];
  await sendRound(
    Array.from({ length: round.subscriptions }, (_, i) => ({
      from: i % 2 === 0 ? ROLES.alice : ROLES.bob,
      to: subscriptionsAddress,
      data: subscriptionsIface.encodeFunctionData("subscribe", [planId]),
    })),
  );
  const subscriptionIds = Array.from({ length: round.subscriptions }, (_, i) => firstId + BigInt(i));

  let salt = 1_000_000n;
  let toCapture: sdkEscrow.Payment[] = [];
  const paymentOf = (payer: string, now: bigint): sdkEscrow.Payment => {
    salt += 1n;
    return {
      operator: merchant,
      payer,
      payee: merchant,
      token: usdc,
      maxAmount: 2n * UNIT,
      preApprovalExpiry: now + 86_400n,
      authorizationExpiry: now + 7n * 86_400n,
      refundExpiry: now + 30n * 86_400n,
      minFeeBps: 0,
      maxFeeBps: 500,
      feeReceiver,
      arbiter: ethers.ZeroAddress,
      referenceId: ethers.zeroPadValue(ethers.toBeHex(salt), 32),
      salt,
    };
  };

  const oneRound = async () => {
    await provider.send("evm_increaseTime", [PERIOD]);
    const now = BigInt((await provider.getBlock("latest"))!.timestamp) + BigInt(PERIOD);
    const txs: { from: number; to: string; data: string; gas?: bigint }[] = [];
    for (let i = 0; i < round.escrowCharges; i++) {
      const p = paymentOf(bob, now);
      txs.push({
        from: ROLES.bob,
        to: escrowAddress,
        data: escrowIface.encodeFunctionData("charge", [p, UNIT, 100, "0x"]),
      });
    }
    for (const p of toCapture) {
      txs.push({
        from: ROLES.merchant,
        to: escrowAddress,
        data: escrowIface.encodeFunctionData("capture", [p, UNIT, 100]),
      });
    }
    toCapture = Array.from({ length: round.authorizations }, () => paymentOf(alice, now));
    for (const p of toCapture) {
      txs.push({
        from: ROLES.alice,
        to: escrowAddress,
        data: escrowIface.encodeFunctionData("authorize", [p, UNIT, "0x"]),
      });
    }
    const merchantWallet = signer(ROLES.merchant).wallet;
    for (let i = 0; i < round.invoices; i++) {
      salt += 1n;
      const invoice: sdkEscrow.Invoice = {
        payee: merchant,
        payer: ethers.ZeroAddress,
        token: usdc,
        amount: UNIT,
        expiry: now + 86_400n,
        referenceId: ethers.zeroPadValue(ethers.toBeHex(salt), 32),
        salt,
      };
      const signature = await sdkEscrow.signInvoice(merchantWallet, invoice, domain);
      txs.push({
        from: ROLES.bob,
        to: escrowAddress,
        data: escrowIface.encodeFunctionData("payInvoice", [invoice, signature]),
      });
    }
    for (let i = 0; i < subscriptionIds.length; i += CHARGE_BATCH) {
      const batch = subscriptionIds.slice(i, i + CHARGE_BATCH);
      txs.push({
        from: ROLES.keeper,
        to: subscriptionsAddress,
        data: subscriptionsIface.encodeFunctionData("chargeMany", [batch]),
        gas: 200_000n + 80_000n * BigInt(batch.length),
      });
    }
    // One sender, so its nonces order each funding before its distribution within the block.
    for (let i = 0; i < round.splitDistributions; i++) {
      txs.push({
        from: ROLES.keeper,
        to: usdc,
        data: tokenIface.encodeFunctionData("transfer", [pushSplit, 10n * UNIT]),
      });
      txs.push({
        from: ROLES.keeper,
        to: pushSplit,
        data: splitIface.encodeFunctionData("distribute", [pushConfig, usdc, ethers.ZeroAddress]),
      });
    }
    for (let i = 0; i < round.budgetSpends; i++) {
      txs.push({
        from: ROLES.operator,
        to: moduleAddress,
        data: moduleIface.encodeFunctionData("transfer", [safe, usdc, bob, 1_000n]),
      });
    }
    await sendRound(txs);
  };

  return {
    drive,
    tally,
    growTo: async (cofferEvents: number) => {
      while (tally.coffer < cofferEvents) await oneRound();
      return { ...tally };
    },
  };
}
