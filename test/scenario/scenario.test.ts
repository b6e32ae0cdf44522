import { expect } from "chai";
import { ethers } from "ethers";
import {
  SCENARIO_ACCOUNTS,
  runScenario,
  scenarioAddress,
  type ScenarioResult,
  type ScenarioRole,
} from "../../scripts/lib/scenario";
import { safeArtifact } from "../../deploy/safe";
import {
  CofferEscrow__factory,
  CofferSubscriptions__factory,
  CofferSplit__factory,
  MockERC20__factory,
} from "../../typechain-types";
import { startDeployedLocalChain, type DeployedLocalChain } from "../helpers/local-chain";

const usdc = (amount: string): bigint => ethers.parseUnits(amount, 6);
const dai = (amount: string): bigint => ethers.parseUnits(amount, 18);
const eth = (amount: string): bigint => ethers.parseEther(amount);

// ICofferEscrow.PaymentStatus and ICofferSubscriptions.SubscriptionStatus
const AUTHORIZED = 1n;
const RESOLVED = 3n;
const ACTIVE = 1n;

describe("scenario: a day of a small business on a fresh local chain", function () {
  let local: DeployedLocalChain;
  let result: ScenarioResult;
  const lines: string[] = [];
  /** Balances before the story: `${token}:${account}` → amount. */
  const initial = new Map<string, bigint>();
  let provider: ethers.JsonRpcProvider;

  const balanceOf = async (token: string, account: string): Promise<bigint> =>
    token === ethers.ZeroAddress
      ? provider.getBalance(account)
      : MockERC20__factory.connect(token, provider).balanceOf(account);
  const change = async (token: string, account: string): Promise<bigint> =>
    (await balanceOf(token, account)) - (initial.get(`${token}:${account}`) ?? 0n);

  before(async function () {
    local = await startDeployedLocalChain();
    provider = local.chain.provider;
    const manifest = local.first.manifest;
    const tokens = [
      manifest.contracts["TestUSDC"]!.address,
      manifest.contracts["TestDAI"]!.address,
      ethers.ZeroAddress,
    ];
    // The roles' addresses are fixed (development mnemonic), known before the story runs.
    const watched = [
      ...(Object.keys(SCENARIO_ACCOUNTS) as ScenarioRole[]).map((role) => scenarioAddress(role)),
      manifest.treasurySafe!.address,
    ];
    for (const token of tokens) {
      for (const account of watched) initial.set(`${token}:${account}`, await balanceOf(token, account));
    }
    result = await runScenario({
      rpcUrl: local.chain.url,
      deploymentsDir: local.deploymentsDir,
      log: (line) => lines.push(line),
    });
  });
  after(async function () {
    await local?.stop();
  });

  it("returns plain JSON naming every account, token, id and the end block", async function () {
    expect(JSON.parse(JSON.stringify(result))).to.deep.equal(result);
    expect(result.chainId).to.equal(31337);
    expect(result.treasurySafe).to.equal(local.first.manifest.treasurySafe!.address);
    expect(Object.keys(result.payments).sort()).to.deep.equal([
      "ORDER-2001",
      "ORDER-2002",
      "ORDER-2003",
      "ORDER-2004",
      "ORDER-2005",
      "POS-3001",
    ]);
    expect(Object.keys(result.invoices).sort()).to.deep.equal(["INV-1001", "INV-1002"]);
    expect(result.blockNumber).to.equal(await provider.getBlockNumber());
    expect(result.endTime).to.be.greaterThan(result.startTime);
  });

  it("logs one readable line per step, on the story's clock", function () {
    expect(lines.length).to.be.greaterThan(25);
    for (const line of lines) expect(line).to.match(/^\[day [12] \d\d:\d\d\] \S.*$/);
    expect(lines.join("\n")).to.contain("ORDER-2003").and.contain("cold storage");
  });

  it("moves the tokens as the story says", async function () {
    const { accounts, tokens, treasurySafe, splits } = result;
    const { TestUSDC, TestDAI, ETH } = tokens;
    // Customers: Dana paid INV-1001 120, ORDER-2002 150 (30 refunded), two days of office coffee 30.
    expect(await change(TestUSDC, accounts.customerDana)).to.equal(
      usdc("1000") - usdc("120") - usdc("120") - usdc("30"),
    );
    // Eli: two days of office coffee in USDC; ORDER-2001 80 and POS-3001 18 in DAI; his voided ETH order came back.
    expect(await change(TestUSDC, accounts.customerEli)).to.equal(usdc("500") - usdc("30"));
    expect(await change(TestDAI, accounts.customerEli)).to.equal(dai("500") - dai("98"));
    // Fay: 60 in dispute, 40 back.
    expect(await change(TestUSDC, accounts.customerFay)).to.equal(usdc("300") - usdc("20"));
    // The shop: INV-1001 in, the 30 refund out; INV-1002's 0.05 ETH in (less its own gas).
    expect(await change(TestUSDC, accounts.shop)).to.equal(usdc("90"));
    const shopEth = await change(ETH, accounts.shop);
    expect(shopEth).to.be.lessThan(eth("0.05")).and.greaterThan(eth("0.04"));
    // The processor: 1% of the captures and the counter sale.
    expect(await change(TestUSDC, accounts.processor)).to.equal(usdc("1.5"));
    expect(await change(TestDAI, accounts.processor)).to.equal(dai("0.98"));
    expect(await change(ETH, accounts.processor)).to.equal(eth("0.001"));
    // The split received 228.5 USDC, 97.02 DAI and 0.119 ETH, and paid 85% / 15% of each.
    expect(await change(TestUSDC, accounts.partner)).to.equal(usdc("34.275"));
    expect(await change(TestDAI, accounts.partner)).to.equal(dai("14.553"));
    expect(await change(ETH, accounts.partner)).to.equal(eth("0.01785"));
    expect(await change(TestDAI, treasurySafe)).to.equal(dai("82.467"));
    expect(await change(ETH, treasurySafe)).to.equal(eth("0.10115"));
    for (const token of [TestUSDC, TestDAI, ETH]) expect(await balanceOf(token, splits.revenue.address)).to.equal(0n);
    // The Safe got 194.225 USDC, paid the supplier 60, and swept all above 100 to cold storage.
    expect(await change(TestUSDC, accounts.supplier)).to.equal(usdc("60"));
    expect(await change(TestUSDC, accounts.coldWallet)).to.equal(usdc("34.225"));
    expect(result.sweep.amount).to.equal(usdc("34.225").toString());
    expect(await balanceOf(TestUSDC, treasurySafe)).to.equal(usdc("100"));
  });

  it("leaves every payment and invoice in the state the story says", async function () {
    const escrow = CofferEscrow__factory.connect(result.contracts["CofferEscrow"]!, provider);
    const state = async (reference: string) => {
      const payment = result.payments[reference]!;
      const onChain = await escrow.getPaymentState(payment.id);
      return [onChain.capturable, onChain.refundable, onChain.status];
    };
    expect(await state("ORDER-2001")).to.deep.equal([0n, dai("80"), AUTHORIZED]);
    expect(await state("ORDER-2002")).to.deep.equal([0n, usdc("120"), AUTHORIZED]);
    // A resolution pays the payee's part as captured (refundable) funds.
    expect(await state("ORDER-2003")).to.deep.equal([0n, usdc("20"), RESOLVED]);
    expect(await state("ORDER-2004")).to.deep.equal([0n, 0n, AUTHORIZED]);
    expect(await state("ORDER-2005")).to.deep.equal([0n, eth("0.1"), AUTHORIZED]);
    expect(await state("POS-3001")).to.deep.equal([0n, dai("18"), AUTHORIZED]);
    for (const payment of Object.values(result.payments)) {
      const struct = { ...payment.payment } as unknown as Parameters<typeof escrow.getPaymentId>[0];
      expect(await escrow.getPaymentId(struct)).to.equal(payment.id);
    }
    for (const invoice of Object.values(result.invoices)) expect(await escrow.isInvoicePaid(invoice.id)).to.equal(true);
  });

  it("leaves the subscriptions active after Eli's failed renewal and its recovery", async function () {
    const subscriptions = CofferSubscriptions__factory.connect(result.contracts["CofferSubscriptions"]!, provider);
    for (const name of ["danaOfficeCoffee", "eliOfficeCoffee", "fayEspressoClub"]) {
      const stored = await subscriptions.getSubscription(result.subscriptions[name]!.id);
      expect(stored.status, name).to.equal(ACTIVE);
      expect(stored.nextPeriod, name).to.equal(2n);
      expect(stored.subscriber, name).to.equal(result.subscriptions[name]!.subscriber);
    }
    const eli = result.subscriptions["eliOfficeCoffee"]!;
    const failed = await subscriptions.queryFilter(subscriptions.filters.SubscriptionChargeFailed(eli.id));
    expect(failed.map((event) => [event.args.periodIndex, event.args.reason])).to.deep.equal([[1n, 0n]]);
    const charged = await subscriptions.queryFilter(subscriptions.filters.SubscriptionCharged(eli.id));
    expect(charged.map((event) => event.args.periodIndex)).to.deep.equal([0n, 1n]);
    expect(await subscriptions.depositOf(result.accounts.customerFay)).to.equal(eth("0.03"));
  });

  it("ran the treasury through the Safe: policy and payout with two signatures, then a sweep", async function () {
    const safe = new ethers.Contract(result.treasurySafe, safeArtifact("SafeL2").abi, provider);
    expect(await safe.getFunction("nonce")()).to.equal(2n);
    expect(await safe.getFunction("isModuleEnabled")(result.contracts["CofferTreasuryModule"]!)).to.equal(true);
    for (const executed of [result.safeTransactions.policy, result.safeTransactions.payout]) {
      const receipt = await provider.getTransactionReceipt(executed.transactionHash);
      const success = receipt!.logs
        .map((log) => safe.interface.parseLog(log))
        .find((event) => event?.name === "ExecutionSuccess");
      expect(success?.args[0]).to.equal(executed.safeTxHash);
      expect(receipt!.from).to.equal(result.accounts.treasurySigner2);
    }
    const split = CofferSplit__factory.connect(result.splits.revenue.address, provider);
    expect(await split.controller()).to.equal(result.treasurySafe);
  });

  it("is deterministic: a second fresh chain gets the same accounts, ids, split and Safe transactions", async function () {
    const again = await startDeployedLocalChain();
    try {
      const second = await runScenario({ rpcUrl: again.chain.url, deploymentsDir: again.deploymentsDir });
      const identity = (run: ScenarioResult) => ({
        accounts: run.accounts,
        tokens: run.tokens,
        splits: run.splits,
        payments: run.payments,
        invoices: run.invoices,
        plans: run.plans,
        subscriptions: run.subscriptions,
        safeTxHashes: [run.safeTransactions.policy.safeTxHash, run.safeTransactions.payout.safeTxHash],
        sweep: run.sweep.amount,
        times: [run.startTime, run.endTime],
      });
      expect(identity(second)).to.deep.equal(identity(result));
    } finally {
      await again.stop();
    }
  });
});
