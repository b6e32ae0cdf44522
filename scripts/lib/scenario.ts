/**
 * A realistic day of a small business on Coffer, played on a local chain where Coffer is deployed (see
 * `deployCoffer`): Bean & Leaf, a coffee roaster, invoices customers, takes escrowed orders in TestUSDC, TestDAI
 * and ETH, refunds a returned item, has a dispute resolved by an arbiter, sells daily subscriptions (one renewal
 * fails and recovers the next morning), receives its income through a revenue split into its treasury Safe, pays a
 * supplier with two Safe signatures and sweeps the excess to cold storage.
 *
 * Deterministic: the same accounts (the development mnemonic), amounts, salts and clock on every fresh chain, so
 * every id (payments, invoices, plans, subscriptions, split, Safe transactions) is the same from run to run. The
 * story's clock starts on Monday 2030-03-04 (UTC); on a chain already past it, at the next midnight.
 */
import { ethers } from "ethers";
import { createCofferClient, type CofferClient } from "../../sdk/client";
import * as escrow from "../../sdk/escrow";
import {
  connectSafe,
  executeSafeTransaction,
  proposeSafeTransaction,
  signSafeTransaction,
  type SafeConnection,
} from "../../sdk/safe";
import * as subscriptions from "../../sdk/subscriptions";
import * as treasury from "../../sdk/treasury";
import { getDeployment } from "../../sdk/deployments";
import * as splits from "../../sdk/splits";
import { MockERC20__factory } from "../../typechain-types";
import { devPrivateKey } from "./local-chain";
import { dai, eth, label, ref, short, usdc } from "./scenario/format";
import {
  DAY,
  HOUR,
  SCENARIO_ACCOUNTS,
  SCENARIO_DAY_ONE,
  TREASURY_QUEUE_DELAY,
  scenarioAddress,
  type ScenarioInvoice,
  type ScenarioOptions,
  type ScenarioPayment,
  type ScenarioResult,
  type ScenarioRole,
} from "./scenario/model";

export {
  SCENARIO_ACCOUNTS,
  SCENARIO_DAY_ONE,
  TREASURY_QUEUE_DELAY,
  scenarioAddress,
  type ScenarioInvoice,
  type ScenarioOptions,
  type ScenarioPayment,
  type ScenarioResult,
  type ScenarioRole,
} from "./scenario/model";

export async function runScenario(options: ScenarioOptions): Promise<ScenarioResult> {
  const log = options.log ?? (() => undefined);
  const provider = new ethers.JsonRpcProvider(options.rpcUrl, undefined, { pollingInterval: 100, cacheTimeout: -1 });
  try {
    return await play(provider, options, log);
  } finally {
    provider.destroy();
  }
}

async function play(
  provider: ethers.JsonRpcProvider,
  options: ScenarioOptions,
  log: (line: string) => void,
): Promise<ScenarioResult> {
  const chainId = Number((await provider.getNetwork()).chainId);
  const manifest = getDeployment(chainId, options.deploymentsDir);
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
      found = await createCofferClient({ runner: wallet(role), deploymentsDir: options.deploymentsDir });
      clients.set(role, found);
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
  const token = (address: string, role: ScenarioRole) => MockERC20__factory.connect(address, wallet(role));
  const mined = async (response: Promise<ethers.ContractTransactionResponse>): Promise<ethers.TransactionReceipt> => {
    const receipt = await (await response).wait();
    if (receipt === null || receipt.status !== 1) throw new Error("A scenario transaction failed");
    return receipt;
  };

  // The story's clock: every step mines an empty block at its time, so views and gas estimates see it too.
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
  const step = (line: string): void => log(`${clockLabel} ${line}`);
  const startTime = at(1, "08:30");

  const names = { [tokens.TestUSDC]: "tUSDC", [tokens.TestDAI]: "tDAI", [tokens.ETH]: "ETH" };
  const decimals = { [tokens.TestUSDC]: 6, [tokens.TestDAI]: 18, [tokens.ETH]: 18 };
  const show = (tokenAddress: string, amount: bigint): string =>
    `${ethers.formatUnits(amount, decimals[tokenAddress])} ${names[tokenAddress]}`;

  // ─── Day 1, 08:30: the treasury's policy, approved by two of its three signers ─────────────────────────
  await clock(1, "08:30");
  const signerConnection = (role: "treasurySigner1" | "treasurySigner2"): Promise<SafeConnection> =>
    connectSafe({ rpcUrl: options.rpcUrl, safeAddress, privateKey: devPrivateKey(SCENARIO_ACCOUNTS[role]) });
  const signer1 = await signerConnection("treasurySigner1");
  const signer2 = await signerConnection("treasurySigner2");
  const sweepCap = usdc("100");
  const approveWithTwoSigners = async (
    proposal: Parameters<typeof proposeSafeTransaction>[1],
  ): Promise<{ safeTxHash: string; transactionHash: string }> => {
    const proposed = await proposeSafeTransaction(signer1, proposal);
    const { file } = await signSafeTransaction(signer2, proposed);
    const executed = await executeSafeTransaction(signer2, file, { executorApproves: false });
    return { safeTxHash: executed.safeTxHash, transactionHash: executed.transactionHash };
  };
  let policy: { safeTxHash: string; transactionHash: string };
  try {
    const keeperClient = await client("keeper");
    const enable = await treasury.policy.enableModule(keeperClient, safeAddress);
    const sweepRule = await treasury.policy.setSweepRule(keeperClient, tokens.TestUSDC, accounts.coldWallet, sweepCap);
    // A day's delay before any queued transfer can leave, so that the signers can cancel it. The shop has no
    // operators: no queue limit is set, and so nobody can queue (the module's default).
    const queueDelay = await treasury.policy.setQueueDelay(keeperClient, TREASURY_QUEUE_DELAY);
    const safe = signer1.safeContract(safeAddress);
    const moduleEnabled = (await safe.getFunction("isModuleEnabled")(
      contractAddress("CofferTreasuryModule"),
    )) as boolean;
    policy = await approveWithTwoSigners({
      kind: "batch",
      calls: moduleEnabled ? [sweepRule, queueDelay] : [enable, sweepRule, queueDelay],
    });
    step(
      `Treasury signers 1 and 2 approve the Safe's policy: treasury module enabled, ` +
        `${show(tokens.TestUSDC, sweepCap)} kept hot, the rest swept to cold storage, ` +
        `a ${TREASURY_QUEUE_DELAY / HOUR}-hour delay on queued transfers (Safe tx ${short(policy.safeTxHash)})`,
    );

    // ─── 08:40: the revenue split, controlled by the treasury Safe ───────────────────────────────────────
    await clock(1, "08:40");
    const splitConfig = splits.splitConfig([
      { account: safeAddress, allocation: 850_000n },
      { account: accounts.partner, allocation: 150_000n },
    ]);
    const shares = splits
      .recipientsOf(splitConfig)
      .map((recipient) => ({ account: recipient.account, allocation: Number(recipient.allocation) }));
    const { split: splitAddress } = await splits.createSplit(await client("shop"), splitConfig, safeAddress);
    step(`The shop creates its revenue split ${splitAddress}: 85% to the treasury Safe, 15% to the roasting partner`);

    // ─── 08:45: plans ────────────────────────────────────────────────────────────────────────────────────
    await clock(1, "08:45");
    const shop = await client("shop");
    const officePlan = { token: tokens.TestUSDC, amount: usdc("15") };
    const office = await subscriptions.createPlan(shop, {
      payee: splitAddress,
      token: officePlan.token,
      amount: officePlan.amount,
      period: DAY,
      trial: 0,
      grace: 12 * HOUR, // shorter than the period, as the contract requires
      feeBps: 0,
      feeReceiver: ethers.ZeroAddress,
    });
    step(
      `The shop publishes plan #${office.planId} "Office coffee, daily": ${show(officePlan.token, officePlan.amount)} a day`,
    );
    const espressoPlan = { token: tokens.ETH, amount: eth("0.01") };
    const espresso = await subscriptions.createPlan(shop, {
      payee: splitAddress,
      token: espressoPlan.token,
      amount: espressoPlan.amount,
      period: DAY,
      trial: 0,
      grace: 12 * HOUR,
      feeBps: 0,
      feeReceiver: ethers.ZeroAddress,
    });
    step(
      `The shop publishes plan #${espresso.planId} "Espresso club, daily": ${show(espressoPlan.token, espressoPlan.amount)} a day`,
    );

    // ─── 08:50: customers' wallets ───────────────────────────────────────────────────────────────────────
    await clock(1, "08:50");
    const funding: [ScenarioRole, string, bigint][] = [
      ["customerDana", tokens.TestUSDC, usdc("1000")],
      ["customerEli", tokens.TestUSDC, usdc("500")],
      ["customerEli", tokens.TestDAI, dai("500")],
      ["customerFay", tokens.TestUSDC, usdc("300")],
    ];
    for (const [role, tokenAddress, amount] of funding) {
      await mined(token(tokenAddress, role).mint(accounts[role], amount));
      step(`${label(role)} tops up a wallet with ${show(tokenAddress, amount)} (test token minted)`);
    }

    // ─── 09:10–09:25: invoices ───────────────────────────────────────────────────────────────────────────
    const invoices: Record<string, ScenarioInvoice> = {};
    const invoice = async (
      reference: string,
      payer: ScenarioRole,
      tokenAddress: string,
      amount: bigint,
      restrictPayer: boolean,
      salt: bigint,
    ): Promise<void> => {
      const created = await escrow.createInvoice(shop, wallet("shop"), {
        token: tokenAddress,
        amount,
        expiry: BigInt(at(1, "00:00") + 14 * DAY),
        referenceId: ref(reference),
        payer: restrictPayer ? accounts[payer] : ethers.ZeroAddress,
        salt,
      });
      if (tokenAddress !== tokens.ETH) await mined(token(tokenAddress, payer).approve(escrowAddress, amount));
      await escrow.payInvoice(await client(payer), created.invoice, created.signature);
      invoices[reference] = {
        id: created.invoiceId,
        referenceId: created.invoice.referenceId,
        payee: created.invoice.payee,
        payer: accounts[payer],
        token: tokenAddress,
        amount: amount.toString(),
      };
      step(
        `${label(payer)} pays invoice ${reference} of ${show(tokenAddress, amount)} to the shop (${short(created.invoiceId)})`,
      );
    };
    await clock(1, "09:10");
    await invoice("INV-1001", "customerDana", tokens.TestUSDC, usdc("120"), true, 1001n);
    await clock(1, "09:25");
    await invoice("INV-1002", "customerFay", tokens.ETH, eth("0.05"), false, 1002n);

    // ─── 09:40–09:50: subscriptions ──────────────────────────────────────────────────────────────────────
    const subscriptionIds: Record<string, { id: string; planId: string; subscriber: string }> = {};
    await clock(1, "09:40");
    await mined(token(tokens.TestUSDC, "customerDana").approve(subscriptionsAddress, usdc("150")));
    const danaSub = await subscriptions.subscribe(await client("customerDana"), office.planId);
    subscriptionIds["danaOfficeCoffee"] = ids(danaSub.subscriptionId, office.planId, accounts.customerDana);
    step(`Dana subscribes to "Office coffee, daily" (subscription #${danaSub.subscriptionId}); day 1 is charged`);
    await clock(1, "09:45");
    // Eli allows exactly one day: tomorrow's renewal will fail.
    await mined(token(tokens.TestUSDC, "customerEli").approve(subscriptionsAddress, officePlan.amount));
    const eliSub = await subscriptions.subscribe(await client("customerEli"), office.planId);
    subscriptionIds["eliOfficeCoffee"] = ids(eliSub.subscriptionId, office.planId, accounts.customerEli);
    step(
      `Eli subscribes to "Office coffee, daily" (subscription #${eliSub.subscriptionId}), ` +
        `allowing only ${show(tokens.TestUSDC, officePlan.amount)}; day 1 is charged`,
    );
    await clock(1, "09:50");
    const fay = await client("customerFay");
    await mined(fay.subscriptions.deposit(accounts.customerFay, { value: eth("0.05") }));
    const faySub = await subscriptions.subscribe(fay, espresso.planId);
    subscriptionIds["fayEspressoClub"] = ids(faySub.subscriptionId, espresso.planId, accounts.customerFay);
    step(
      `Fay deposits 0.05 ETH and joins "Espresso club, daily" (subscription #${faySub.subscriptionId}); day 1 is charged`,
    );

    // ─── 10:05–11:30: escrowed orders and a counter sale ────────────────────────────────────────────────
    const payments: Record<string, ScenarioPayment> = {};
    const paymentOf = (
      reference: string,
      payer: ScenarioRole,
      tokenAddress: string,
      amount: bigint,
      time: number,
      salt: bigint,
    ): escrow.Payment => ({
      operator: accounts.shop,
      payer: accounts[payer],
      payee: splitAddress,
      token: tokenAddress,
      maxAmount: amount,
      preApprovalExpiry: BigInt(time + HOUR),
      authorizationExpiry: BigInt(time + 7 * DAY),
      refundExpiry: BigInt(time + 30 * DAY),
      minFeeBps: 0,
      maxFeeBps: 100,
      feeReceiver: accounts.processor,
      arbiter: accounts.arbiter,
      referenceId: ref(reference),
      salt,
    });
    const orders = new Map<string, escrow.Payment>();
    const record = (reference: string, payment: escrow.Payment, id: string, story: string): void => {
      orders.set(reference, payment);
      payments[reference] = {
        id,
        referenceId: payment.referenceId,
        payer: payment.payer,
        payee: payment.payee,
        token: payment.token,
        amount: payment.maxAmount.toString(),
        story,
        payment: Object.fromEntries(
          Object.entries(payment).map(([key, value]) => [key, typeof value === "bigint" ? value.toString() : value]),
        ) as Record<string, string | number>,
      };
    };
    const order = async (
      hhmm: string,
      reference: string,
      payer: ScenarioRole,
      tokenAddress: string,
      amount: bigint,
      salt: bigint,
      what: string,
      story: string,
      relayed = false,
    ): Promise<void> => {
      await clock(1, hhmm);
      const payment = paymentOf(reference, payer, tokenAddress, amount, at(1, hhmm), salt);
      if (tokenAddress !== tokens.ETH) await mined(token(tokenAddress, payer).approve(escrowAddress, amount));
      // Relayed checkout: the customer signs an AuthorizePayment approval and the shop (the operator) sends it.
      const { paymentId } = relayed
        ? await escrow.authorize(shop, payment, amount, {
            payerSignature: await escrow.signPaymentApproval(
              wallet(payer),
              payment,
              await escrow.domainOf(shop),
              "authorize",
            ),
          })
        : await escrow.authorize(await client(payer), payment, amount);
      record(reference, payment, paymentId, story);
      step(
        `${label(payer)} orders ${what}: ${show(tokenAddress, amount)} held in escrow (${reference}, ${short(paymentId)})` +
          (relayed ? `, signed by ${label(payer)} and sent by the shop` : ""),
      );
    };
    await order(
      "10:05",
      "ORDER-2001",
      "customerEli",
      tokens.TestDAI,
      dai("80"),
      2001n,
      "a 5 kg sack of beans",
      "captured",
    );
    await order(
      "10:20",
      "ORDER-2002",
      "customerDana",
      tokens.TestUSDC,
      usdc("150"),
      2002n,
      "a grinder and two mugs",
      "captured, then 30 tUSDC refunded",
      true,
    );
    await order(
      "10:35",
      "ORDER-2003",
      "customerFay",
      tokens.TestUSDC,
      usdc("60"),
      2003n,
      "a tasting box",
      "disputed, then resolved 40/20",
    );
    await order(
      "10:50",
      "ORDER-2004",
      "customerEli",
      tokens.ETH,
      eth("0.25"),
      2004n,
      "a limited-edition kettle",
      "voided (out of stock)",
    );
    await order("11:00", "ORDER-2005", "customerDana", tokens.ETH, eth("0.1"), 2005n, "a barista course", "captured");

    await clock(1, "11:30");
    const counterAmount = dai("18");
    const counter = paymentOf("POS-3001", "customerEli", tokens.TestDAI, counterAmount, at(1, "11:30"), 3001n);
    await mined(token(tokens.TestDAI, "customerEli").approve(escrowAddress, counterAmount));
    const counterSale = await escrow.charge(await client("customerEli"), counter, counterAmount, 100);
    record("POS-3001", counter, counterSale.paymentId, "charged at the counter");
    step(
      `Eli buys a bag of beans at the counter: ${show(tokens.TestDAI, counterAmount)} charged at once, 1% fee (POS-3001)`,
    );

    // ─── 12:00–16:00: fulfilment, a void, a dispute, a refund ───────────────────────────────────────────
    const orderOf = (reference: string): escrow.Payment => {
      const found = orders.get(reference);
      if (found === undefined) throw new Error(`No order ${reference}`);
      return found;
    };
    for (const [hhmm, reference] of [
      ["12:00", "ORDER-2001"],
      ["12:05", "ORDER-2002"],
      ["12:10", "ORDER-2005"],
    ] as const) {
      await clock(1, hhmm);
      const payment = orderOf(reference);
      await escrow.capture(shop, payment, payment.maxAmount, 100);
      const fee = (payment.maxAmount * 100n) / 10_000n;
      step(
        `The shop ships ${reference} and captures ${show(payment.token, payment.maxAmount)}: ` +
          `${show(payment.token, payment.maxAmount - fee)} to the split, ${show(payment.token, fee)} to the processor`,
      );
    }
    await clock(1, "12:30");
    await escrow.voidPayment(shop, orderOf("ORDER-2004"));
    step(`The kettle is out of stock: the shop voids ORDER-2004 and ${show(tokens.ETH, eth("0.25"))} returns to Eli`);

    await clock(1, "14:00");
    await escrow.dispute(await client("customerFay"), orderOf("ORDER-2003"));
    step(`Fay's tasting box arrives damaged: she disputes ORDER-2003, freezing ${show(tokens.TestUSDC, usdc("60"))}`);

    await clock(1, "15:00");
    const refundAmount = usdc("30");
    await mined(token(tokens.TestUSDC, "shop").approve(escrowAddress, refundAmount));
    await escrow.refund(shop, orderOf("ORDER-2002"), refundAmount);
    step(
      `Dana returns the mugs: the shop refunds ${show(tokens.TestUSDC, refundAmount)} of ORDER-2002 from its own wallet`,
    );

    await clock(1, "16:00");
    await escrow.resolve(await client("arbiter"), orderOf("ORDER-2003"), usdc("40"));
    step(
      `The arbiter resolves ORDER-2003: ${show(tokens.TestUSDC, usdc("40"))} back to Fay, ${show(tokens.TestUSDC, usdc("20"))} to the split`,
    );

    // ─── Day 2, 10:00 (a day after the subscriptions began): renewals; Eli's fails and recovers ───────────────────────────────────────────────
    const keeper = await client("keeper");
    const renewing = [danaSub.subscriptionId, eliSub.subscriptionId, faySub.subscriptionId];
    await clock(2, "10:00");
    const renewals = await subscriptions.chargeDue(keeper, renewing);
    step(
      `The keeper renews subscriptions ${renewing.map((id) => `#${id}`).join(", ")}: ` +
        `charged ${renewals.charged.map((id) => `#${id}`).join(", ") || "none"}; ` +
        `failed ${renewals.failed.map((failure) => `#${failure.subscriptionId} (${FAILURE_REASONS[Number(failure.reason)] ?? failure.reason})`).join(", ") || "none"}`,
    );
    if (!renewals.failed.some((failure) => failure.subscriptionId === eliSub.subscriptionId)) {
      throw new Error(`Eli's renewal (#${eliSub.subscriptionId}) was expected to fail`);
    }
    await clock(2, "11:00");
    await mined(token(tokens.TestUSDC, "customerEli").approve(subscriptionsAddress, usdc("150")));
    step(`Eli gets the past-due notice and raises his allowance to ${show(tokens.TestUSDC, usdc("150"))}`);
    await clock(2, "11:05");
    const retry = await subscriptions.chargeDue(keeper, [eliSub.subscriptionId]);
    if (!retry.charged.includes(eliSub.subscriptionId))
      throw new Error(`Eli's retry (#${eliSub.subscriptionId}) failed`);
    step(
      `The keeper retries #${eliSub.subscriptionId}: charged ${show(tokens.TestUSDC, officePlan.amount)}, Eli is active again`,
    );

    // ─── 12:00: the split pays out ──────────────────────────────────────────────────────────────────────
    await clock(2, "12:00");
    const split = splits.splitAt(keeper, splitAddress);
    for (const tokenAddress of [tokens.TestUSDC, tokens.TestDAI, tokens.ETH]) {
      if ((await split.distributable(tokenAddress)) === 0n) continue;
      const outcome = await splits.distribute(keeper, splitAddress, splitConfig, tokenAddress);
      const shareOf = (account: string): bigint =>
        outcome.shares.find((share) => share.account === account)?.amount ?? 0n;
      step(
        `The keeper distributes the split's ${show(tokenAddress, outcome.amount)}: ` +
          `${show(tokenAddress, shareOf(safeAddress))} to the treasury Safe, ` +
          `${show(tokenAddress, shareOf(accounts.partner))} to the roasting partner`,
      );
    }

    // ─── 12:30: a supplier payout approved by two signers ───────────────────────────────────────────────
    await clock(2, "12:30");
    const payoutAmount = usdc("60");
    const proposed = await proposeSafeTransaction(
      signer1,
      { kind: "transfer", token: tokens.TestUSDC, to: accounts.supplier, amount: payoutAmount },
      { note: "Green beans, invoice GB-77" },
    );
    step(
      `Treasury signer 1 proposes paying the green-bean importer ${show(tokens.TestUSDC, payoutAmount)} (Safe tx ${short(proposed.safeTxHash)})`,
    );
    const { file } = await signSafeTransaction(signer2, proposed);
    const executed = await executeSafeTransaction(signer2, file, { executorApproves: false });
    const payout = { safeTxHash: executed.safeTxHash, transactionHash: executed.transactionHash };
    step(`Treasury signer 2 co-signs and executes it: 2 of 3 signatures, paid in block ${executed.blockNumber}`);

    // ─── 13:00: the sweep to cold storage ───────────────────────────────────────────────────────────────
    await clock(2, "13:00");
    const swept = await treasury.sweep(keeper, safeAddress, tokens.TestUSDC);
    const sweptEvent = swept.events.find((event) => event.name === "Swept");
    const sweptAmount = (sweptEvent?.args["amount"] as bigint | undefined) ?? 0n;
    step(
      `The keeper sweeps ${show(tokens.TestUSDC, sweptAmount)} from the treasury Safe to cold storage ` +
        `(${show(tokens.TestUSDC, sweepCap)} stays hot)`,
    );

    const endBlock = await provider.getBlockNumber();
    return {
      chainId,
      business: "Bean & Leaf Coffee Roasters",
      accounts,
      tokens,
      contracts: {
        CofferEscrow: escrowAddress,
        CofferSubscriptions: subscriptionsAddress,
        CofferTreasuryModule: contractAddress("CofferTreasuryModule"),
        CofferSplitFactory: contractAddress("CofferSplitFactory"),
      },
      treasurySafe: safeAddress,
      coldWallet: accounts.coldWallet,
      splits: {
        revenue: {
          address: splitAddress,
          controller: safeAddress,
          recipients: shares,
          distributionIncentive: splitConfig.distributionIncentive,
          pullOnly: splitConfig.pullOnly,
        },
      },
      payments,
      invoices,
      plans: {
        officeCoffeeDaily: {
          id: office.planId.toString(),
          token: officePlan.token,
          amount: officePlan.amount.toString(),
        },
        espressoClubDaily: {
          id: espresso.planId.toString(),
          token: espressoPlan.token,
          amount: espressoPlan.amount.toString(),
        },
      },
      subscriptions: subscriptionIds,
      safeTransactions: { policy, payout },
      sweep: {
        token: tokens.TestUSDC,
        cap: sweepCap.toString(),
        amount: sweptAmount.toString(),
        transactionHash: swept.hash,
      },
      startTime,
      endTime: at(2, "13:00"),
      blockNumber: endBlock,
    };
  } finally {
    signer1.close();
    signer2.close();
  }
}

const FAILURE_REASONS = ["allowance too low", "balance too low", "transfer failed", "wrong amount delivered"];

function ids(subscriptionId: bigint, planId: bigint, subscriber: string) {
  return { id: subscriptionId.toString(), planId: planId.toString(), subscriber };
}
