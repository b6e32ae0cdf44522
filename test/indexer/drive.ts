/**
 * A few transactions through every Coffer module on a local chain where Coffer is deployed: escrowed and
 * charged payments (captured, voided, refunded, disputed and resolved), invoices in a token and in ETH,
 * subscriptions with a failed charge and its recovery, a pause and a cancel, a push split and a pull-only split
 * with a withdrawal, and the treasury Safe enabling the module, setting a budget, paying from it, queueing and
 * executing a transfer and sweeping to a cold wallet, each policy change signed by two Safe owners.
 *
 * Tests of the indexer use `runScenario` (scripts/lib/scenario.ts) when it exists; this is what they drive until
 * then, and what the reorg and restart tests replay in parts.
 */
import { ethers } from "ethers";
import {
  CofferEscrow__factory,
  CofferSplitFactory__factory,
  CofferSplit__factory,
  CofferSubscriptions__factory,
  CofferTreasuryModule__factory,
  MockERC20__factory,
} from "../../typechain-types";
import type { ICofferEscrow } from "../../typechain-types/contracts/escrow/CofferEscrow";
import { readManifest, type DeploymentManifest } from "../../deploy/manifest";
import { devPrivateKey } from "../../scripts/lib/local-chain";
import { execSafeCall } from "../../scripts/lib/safe-exec";
import * as sdkEscrow from "../../sdk/src/escrow";

export interface DriveResult {
  readonly accounts: Record<string, string>;
  readonly tokens: Record<string, string>;
  readonly paymentIds: string[];
  readonly invoiceIds: string[];
  readonly planIds: string[];
  readonly subscriptionIds: string[];
  readonly splits: string[];
  readonly treasurySafe: string;
  readonly blockNumber: number;
}

/**
 * Named development accounts: indices of the dev mnemonic, among the ten that local chains fund. 0 deploys and
 * keeps (charges, executes, sweeps); 1–3 own the treasury Safe (1 and 2 sign); 3 is also the treasury operator.
 */
export const ROLES = {
  keeper: 0,
  operator: 3,
  merchant: 4,
  alice: 5,
  bob: 6,
  arbiter: 7,
  feeReceiver: 8,
  cold: 9,
} as const;

export function wallet(provider: ethers.JsonRpcProvider, index: number): ethers.Wallet {
  return new ethers.Wallet(devPrivateKey(index), provider);
}

const units = (amount: string, decimals: number) => ethers.parseUnits(amount, decimals);

async function mined(response: Promise<ethers.ContractTransactionResponse>): Promise<ethers.TransactionReceipt> {
  const receipt = await (await response).wait();
  if (receipt === null || receipt.status !== 1) throw new Error("transaction failed");
  return receipt;
}

/** Moves the chain's clock forward by `seconds` and mines a block. */
export async function advanceTime(provider: ethers.JsonRpcProvider, seconds: number): Promise<void> {
  await provider.send("evm_increaseTime", [seconds]);
  await provider.send("evm_mine", []);
}

function manifestOf(deploymentsDir: string, chainId: number): DeploymentManifest {
  const manifest = readManifest(deploymentsDir, chainId);
  if (manifest === undefined) throw new Error(`No manifest for chain ${chainId} in ${deploymentsDir}`);
  return manifest;
}

function address(manifest: DeploymentManifest, name: string): string {
  const record = manifest.contracts[name];
  if (record === undefined) throw new Error(`${name} is not deployed`);
  return record.address;
}

/** A small payment's fields, every expiry far ahead. */
async function paymentOf(
  provider: ethers.JsonRpcProvider,
  fields: { operator: string; payer: string; payee: string; token: string; maxAmount: bigint; arbiter?: string },
  salt: bigint,
  feeReceiver: string,
): Promise<ICofferEscrow.PaymentStruct & sdkEscrow.Payment> {
  const now = BigInt((await provider.getBlock("latest"))?.timestamp ?? 0);
  return {
    operator: fields.operator,
    payer: fields.payer,
    payee: fields.payee,
    token: fields.token,
    maxAmount: fields.maxAmount,
    preApprovalExpiry: now + 86_400n,
    authorizationExpiry: now + 7n * 86_400n,
    refundExpiry: now + 30n * 86_400n,
    minFeeBps: 0,
    maxFeeBps: 500,
    feeReceiver,
    arbiter: fields.arbiter ?? ethers.ZeroAddress,
    referenceId: ethers.zeroPadValue(ethers.toBeHex(salt), 32),
    salt,
  };
}

/** Drives every module once; deterministic given the same chain and deployment. */
export async function driveCoffer(options: { rpcUrl: string; deploymentsDir: string }): Promise<DriveResult> {
  const provider = new ethers.JsonRpcProvider(options.rpcUrl, undefined, { staticNetwork: true, cacheTimeout: -1 });
  try {
    const chainId = Number((await provider.getNetwork()).chainId);
    const manifest = manifestOf(options.deploymentsDir, chainId);
    const safeAddress = manifest.treasurySafe?.address;
    if (safeAddress === undefined) throw new Error("The manifest has no treasury Safe");
    const deployer = wallet(provider, 0);
    const w = Object.fromEntries(
      Object.entries(ROLES).map(([role, index]) => [role, wallet(provider, index)]),
    ) as Record<keyof typeof ROLES, ethers.Wallet>;
    const usdc = MockERC20__factory.connect(address(manifest, "TestUSDC"), deployer);
    const dai = MockERC20__factory.connect(address(manifest, "TestDAI"), deployer);
    const escrowAddress = address(manifest, "CofferEscrow");
    const subscriptionsAddress = address(manifest, "CofferSubscriptions");
    const moduleAddress = address(manifest, "CofferTreasuryModule");
    const escrow = CofferEscrow__factory.connect(escrowAddress, provider);
    const subscriptions = CofferSubscriptions__factory.connect(subscriptionsAddress, provider);
    const treasury = CofferTreasuryModule__factory.connect(moduleAddress, provider);
    const splitFactory = CofferSplitFactory__factory.connect(address(manifest, "CofferSplitFactory"), provider);
    const usdcAddress = await usdc.getAddress();
    const daiAddress = await dai.getAddress();
    const ownerKeys = [devPrivateKey(1), devPrivateKey(2)];
    const asSafe = (to: string, data: string) => execSafeCall(safeAddress, ownerKeys, deployer, { to, data });

    // Funds.
    for (const who of [w.alice, w.bob, w.merchant]) {
      await mined(usdc.mint(who.address, units("1000", 6)));
      await mined(dai.mint(who.address, units("1000", 18)));
      await mined(usdc.connect(who).approve(escrowAddress, ethers.MaxUint256));
      await mined(dai.connect(who).approve(escrowAddress, ethers.MaxUint256));
    }

    const paymentIds: string[] = [];
    const domain = { chainId, escrow: escrowAddress };
    const fee = w.feeReceiver.address;

    // 1. Escrowed order: authorize 100 USDC, capture 60 at 1%, void the rest.
    const order = await paymentOf(
      provider,
      {
        operator: w.merchant.address,
        payer: w.alice.address,
        payee: w.merchant.address,
        token: usdcAddress,
        maxAmount: units("100", 6),
      },
      1n,
      fee,
    );
    await mined(escrow.connect(w.alice).authorize(order, units("100", 6), "0x"));
    paymentIds.push(sdkEscrow.getPaymentId(order, domain));
    await mined(escrow.connect(w.merchant).capture(order, units("60", 6), 100));
    await mined(escrow.connect(w.merchant).void(order));

    // 2. Instant checkout in DAI at 2%, then a partial refund by the merchant.
    const checkout = await paymentOf(
      provider,
      {
        operator: w.merchant.address,
        payer: w.bob.address,
        payee: w.merchant.address,
        token: daiAddress,
        maxAmount: units("50", 18),
      },
      2n,
      fee,
    );
    await mined(escrow.connect(w.bob).charge(checkout, units("50", 18), 200, "0x"));
    paymentIds.push(sdkEscrow.getPaymentId(checkout, domain));
    await mined(escrow.connect(w.merchant).refund(checkout, units("10", 18)));

    // 3. A disputed order: 30 USDC held, disputed by the payer, resolved 10 back to the payer.
    const disputed = await paymentOf(
      provider,
      {
        operator: w.merchant.address,
        payer: w.bob.address,
        payee: w.merchant.address,
        token: usdcAddress,
        maxAmount: units("30", 6),
        arbiter: w.arbiter.address,
      },
      3n,
      fee,
    );
    await mined(escrow.connect(w.bob).authorize(disputed, units("30", 6), "0x"));
    paymentIds.push(sdkEscrow.getPaymentId(disputed, domain));
    await mined(escrow.connect(w.bob).dispute(disputed));
    await mined(escrow.connect(w.arbiter).resolve(disputed, units("10", 6)));

    // 4. An order still held at the end, in ETH.
    const held = await paymentOf(
      provider,
      {
        operator: w.merchant.address,
        payer: w.alice.address,
        payee: w.merchant.address,
        token: ethers.ZeroAddress,
        maxAmount: units("1", 18),
      },
      4n,
      fee,
    );
    await mined(escrow.connect(w.alice).authorize(held, units("0.5", 18), "0x", { value: units("0.5", 18) }));
    paymentIds.push(sdkEscrow.getPaymentId(held, domain));

    // 5. Invoices: 25 USDC paid by Alice, 0.1 ETH paid by Bob.
    const invoiceIds: string[] = [];
    const now = BigInt((await provider.getBlock("latest"))?.timestamp ?? 0);
    for (const [payer, token, amount, salt] of [
      [w.alice, usdcAddress, units("25", 6), 11n],
      [w.bob, ethers.ZeroAddress, units("0.1", 18), 12n],
    ] as const) {
      const invoice: sdkEscrow.Invoice = {
        payee: w.merchant.address,
        payer: ethers.ZeroAddress,
        token,
        amount,
        expiry: now + 86_400n,
        referenceId: ethers.zeroPadValue(ethers.toBeHex(salt), 32),
        salt,
      };
      const signature = await sdkEscrow.signInvoice(w.merchant, invoice, domain);
      await mined(
        escrow.connect(payer).payInvoice(invoice, signature, { value: token === ethers.ZeroAddress ? amount : 0n }),
      );
      invoiceIds.push(sdkEscrow.getInvoiceId(invoice, domain));
    }

    // 6. Subscriptions: a monthly USDC plan with a 1% fee charged at once for Alice; a plan with a day's trial
    // for Bob, whose first charge fails (no allowance) and succeeds on retry; Alice pauses, Bob cancels later.
    const planParams = {
      payee: w.merchant.address,
      token: usdcAddress,
      amount: units("10", 6),
      period: 30 * 86_400,
      trial: 0,
      grace: 3 * 86_400,
      feeBps: 100,
      feeReceiver: fee,
    };
    await mined(subscriptions.connect(w.merchant).createPlan(planParams));
    await mined(
      subscriptions
        .connect(w.merchant)
        .createPlan({ ...planParams, trial: 86_400, feeBps: 0, feeReceiver: ethers.ZeroAddress }),
    );
    const planIds = ["1", "2"];
    await mined(usdc.connect(w.alice).approve(subscriptionsAddress, ethers.MaxUint256));
    await mined(subscriptions.connect(w.alice).subscribe(1n));
    await mined(subscriptions.connect(w.bob).subscribe(2n));
    const subscriptionIds = ["1", "2"];
    await advanceTime(provider, 86_400 + 60);
    await mined(subscriptions.connect(w.keeper).chargeMany([1n, 2n]));
    await mined(usdc.connect(w.bob).approve(subscriptionsAddress, ethers.MaxUint256));
    await mined(subscriptions.connect(w.keeper).chargeMany([2n]));
    await mined(subscriptions.connect(w.alice).pause(1n));

    // 7. Splits: a push split (merchant 70%, treasury Safe 30%, 1% incentive) and a pull-only one.
    const sorted = (entries: [string, number][]) =>
      entries
        .sort((a, b) => (BigInt(a[0]) < BigInt(b[0]) ? -1 : 1))
        .map(([who, allocation]) => (BigInt(allocation) << 160n) | BigInt(who));
    const pushConfig = {
      recipients: sorted([
        [w.merchant.address, 700_000],
        [safeAddress, 300_000],
      ]),
      distributionIncentive: 10_000,
      pullOnly: false,
    };
    const pullConfig = {
      recipients: sorted([
        [w.merchant.address, 500_000],
        [w.arbiter.address, 500_000],
      ]),
      distributionIncentive: 0,
      pullOnly: true,
    };
    const splits: string[] = [];
    for (const config of [pushConfig, pullConfig]) {
      const predicted = await splitFactory.predictSplitAddress(config, ethers.ZeroAddress);
      await mined(splitFactory.connect(w.merchant).createSplit(config, ethers.ZeroAddress));
      await mined(usdc.connect(w.alice).transfer(predicted, units("40", 6)));
      await mined(
        CofferSplit__factory.connect(predicted, w.keeper).distribute(config, usdcAddress, ethers.ZeroAddress),
      );
      splits.push(predicted);
    }
    await mined(
      CofferSplit__factory.connect(splits[1] as string, w.merchant).withdraw(usdcAddress, w.merchant.address),
    );

    // 8. Treasury: the Safe enables the module, gives the operator a USDC budget and queue limit, a delay and a sweep rule;
    // the operator pays within budget, queues a transfer that is executed after the delay, and a keeper sweeps.
    await mined(usdc.mint(safeAddress, units("500", 6)));
    const safeIface = new ethers.Interface(["function enableModule(address module)"]);
    await asSafe(safeAddress, safeIface.encodeFunctionData("enableModule", [moduleAddress]));
    await asSafe(
      moduleAddress,
      treasury.interface.encodeFunctionData("setOperator", [w.operator.address, true, false]),
    );
    await asSafe(
      moduleAddress,
      treasury.interface.encodeFunctionData("setBudget", [w.operator.address, usdcAddress, units("100", 6), 86_400]),
    );
    await asSafe(
      moduleAddress,
      treasury.interface.encodeFunctionData("setQueueLimit", [w.operator.address, usdcAddress, units("50", 6), 86_400]),
    );
    await asSafe(moduleAddress, treasury.interface.encodeFunctionData("setQueueDelay", [3_600]));
    await asSafe(
      moduleAddress,
      treasury.interface.encodeFunctionData("setSweepRule", [usdcAddress, w.cold.address, units("200", 6)]),
    );
    await mined(treasury.connect(w.operator).transfer(safeAddress, usdcAddress, w.bob.address, units("40", 6)));
    const queuedReceipt = await mined(
      treasury.connect(w.operator).queueTransfer(safeAddress, usdcAddress, w.alice.address, units("15", 6)),
    );
    const queuedLog = queuedReceipt.logs
      .map((log) => treasury.interface.parseLog(log))
      .find((parsed) => parsed?.name === "TransferQueued");
    if (!queuedLog) throw new Error("No TransferQueued event");
    const queued = queuedLog.args.getValue("transfer") as ethers.Result;
    await advanceTime(provider, 3_600);
    await mined(treasury.connect(w.keeper).executeQueued(queued.toObject() as never));
    await mined(treasury.connect(w.keeper).sweep(safeAddress, usdcAddress));

    // 9. Bob cancels his subscription.
    await mined(subscriptions.connect(w.bob).cancel(2n));

    return {
      accounts: {
        deployer: deployer.address,
        ...Object.fromEntries(Object.entries(w).map(([role, signer]) => [role, signer.address])),
      },
      tokens: { TestUSDC: usdcAddress, TestDAI: daiAddress },
      paymentIds,
      invoiceIds,
      planIds,
      subscriptionIds,
      splits,
      treasurySafe: safeAddress,
      blockNumber: await provider.getBlockNumber(),
    };
  } finally {
    provider.destroy();
  }
}
