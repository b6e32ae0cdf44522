import fs from "node:fs";
import { expect } from "chai";
import { CofferEscrow__factory, type CofferEscrow } from "../../typechain-types";
import type { CliRun } from "./helpers";
import { ok as okRun, refused, startModulesFixture, type ModulesFixture } from "./modules-fixture";

/** A result of `--json`: `ok` and the command's fields, integers as decimal strings. */
type Out = Record<string, unknown> & { state: { status: string; capturable: string; refundable: string } };

describe("cli: coffer escrow (child processes against a local chain)", function () {
  // Each command is a separate Node process: slow on a loaded machine, hence a generous timeout per test.
  this.timeout(600_000);
  let f: ModulesFixture;
  let escrowContract: CofferEscrow;
  const PAYER = 5;
  const OPERATOR = 6;
  const PAYEE = 7;
  const ARBITER = 8;
  const address = (index: number) => f.address(index);
  const file = (name: string) => f.file(name);
  const cli = (args: readonly string[], index?: number) => f.run(args, index);
  const ok = (run: CliRun): Out => okRun<Out>(run);
  const balances = (...indexes: number[]) => Promise.all(indexes.map((index) => f.usdc.balanceOf(address(index))));
  /** Balance changes of the accounts at `indexes` over `run`. */
  async function changes(indexes: number[], run: () => Promise<CliRun>): Promise<{ out: Out; delta: bigint[] }> {
    const before = await balances(...indexes);
    const out = ok(await run());
    const after = await balances(...indexes);
    return { out, delta: after.map((value, i) => value - before[i]!) };
  }
  const authorizeArgs = (out: string, amount: string, extra: string[] = []) => [
    ...["escrow", "authorize", "--payee", address(PAYEE), "--token", "TestUSDC", "--amount", amount],
    ...["--operator", address(OPERATOR), "--max-fee", "1", "--out", file(out), "--json", ...extra],
  ];

  before(async function () {
    f = await startModulesFixture("escrow");
    escrowContract = CofferEscrow__factory.connect(
      f.local.first.manifest.contracts["CofferEscrow"]!.address,
      f.local.chain.provider,
    );
    for (const index of [PAYER, OPERATOR]) await (await f.usdc.mint(address(index), 1_000_000_000n)).wait();
  });
  after(async function () {
    await f.stop();
  });

  it("authorize approves the escrow, holds 40 tUSDC and writes a payment file whose id is the contract's", async function () {
    const { out, delta } = await changes([PAYER], () => cli(authorizeArgs("a.json", "40"), PAYER));
    expect(delta).to.deep.equal([-40_000_000n]);
    expect(out).to.include({ file: file("a.json"), amount: "40000000" });
    expect(out.state).to.deep.include({ status: "authorized", capturable: "40000000", refundable: "0" });
    const written = JSON.parse(fs.readFileSync(file("a.json"), "utf8")) as { format: string; payment: never };
    expect(written.format).to.equal("coffer-payment/1");
    expect(out.paymentId).to.equal(await escrowContract.getPaymentId(written.payment));
    expect(out.events).to.deep.equal(["PaymentAuthorized"]);
  });

  it("sign writes the payer's AuthorizePayment approval, and relay by the operator holds the funds, the payer sending nothing", async function () {
    const signArgs = [
      "escrow",
      "sign",
      "authorize",
      "--payee",
      address(PAYEE),
      "--token",
      "TestUSDC",
      "--amount",
      "12",
    ];
    const signed = ok(
      await cli([...signArgs, "--operator", address(OPERATOR), "--out", file("s.json"), "--json"], PAYER),
    );
    const written = JSON.parse(fs.readFileSync(file("s.json"), "utf8")) as {
      payment: never;
      approval: { digest: string };
    };
    expect(written.approval).to.deep.include({ action: "authorize", amount: "12000000", feeBps: 0 });
    expect(written.approval.digest).to.equal(await escrowContract.getPayerApprovalDigest(written.payment, false));
    const payerNonce = await f.local.chain.provider.getTransactionCount(address(PAYER));
    const { out, delta } = await changes([PAYER], () => cli(["escrow", "relay", file("s.json"), "--json"], OPERATOR));
    expect(delta).to.deep.equal([-12_000_000n]);
    expect(out).to.include({ paymentId: signed.paymentId, action: "authorize" });
    expect(out.state).to.deep.include({ status: "authorized", capturable: "12000000" });
    expect(await f.local.chain.provider.getTransactionCount(address(PAYER))).to.equal(payerNonce);
  });

  it("sign approves nothing and writes nothing for a payment the escrow would refuse", async function () {
    const payerNonce = await f.local.chain.provider.getTransactionCount(address(PAYER));
    const allowance = await f.usdc.allowance(address(PAYER), await escrowContract.getAddress());
    const run = await cli(
      [
        "escrow",
        "sign",
        "authorize",
        "--payee",
        address(PAYEE),
        "--token",
        "TestUSDC",
        "--amount",
        "50",
        "--max-amount",
        "10",
        "--operator",
        address(OPERATOR),
        "--out",
        file("refused.json"),
      ],
      PAYER,
    );
    expect(run.code).to.equal(1);
    expect(run.stderr).to.contain("[CofferEscrowInvalidAmount]");
    expect(fs.existsSync(file("refused.json"))).to.equal(false);
    expect(await f.local.chain.provider.getTransactionCount(address(PAYER))).to.equal(payerNonce);
    expect(await f.usdc.allowance(address(PAYER), await escrowContract.getAddress())).to.equal(allowance);
  });

  it("capture pays the payee minus the fee (operator)", async function () {
    const { out, delta } = await changes([PAYEE, OPERATOR], () =>
      cli(["escrow", "capture", file("a.json"), "--amount", "15", "--fee", "1", "--json"], OPERATOR),
    );
    expect(delta).to.deep.equal([14_850_000n, 150_000n]); // the operator is the default fee receiver
    expect(out.state).to.deep.include({ capturable: "25000000", refundable: "15000000" });
  });

  it("refund returns captured funds paid by the operator", async function () {
    const { out, delta } = await changes([PAYER, OPERATOR], () =>
      cli(["escrow", "refund", file("a.json"), "--amount", "5.5", "--json"], OPERATOR),
    );
    expect(delta).to.deep.equal([5_500_000n, -5_500_000n]);
    expect(out.state).to.deep.include({ refundable: "9500000" });
  });

  it("void returns everything still held to the payer", async function () {
    const { out, delta } = await changes([PAYER], () => cli(["escrow", "void", file("a.json"), "--json"], OPERATOR));
    expect(delta).to.deep.equal([25_000_000n]);
    expect(out).to.include({ amount: "25000000" });
    expect(out.state).to.deep.include({ capturable: "0" });
  });

  it("dispute freezes a payment and resolve divides it (payer, then arbiter)", async function () {
    ok(await cli(authorizeArgs("b.json", "10", ["--arbiter", address(ARBITER)]), PAYER));
    const disputed = ok(await cli(["escrow", "dispute", file("b.json"), "--json"], PAYER));
    expect(disputed.state).to.deep.include({ status: "disputed", capturable: "10000000" });
    const { out, delta } = await changes([PAYER, PAYEE], () =>
      cli(["escrow", "resolve", file("b.json"), "--payer-amount", "3", "--json"], ARBITER),
    );
    expect(delta).to.deep.equal([3_000_000n, 7_000_000n]);
    expect(out).to.include({ payerAmount: "3000000", payeeAmount: "7000000" });
    expect(out.state.status).to.equal("resolved");
  });

  it("reclaim gives the payer back what was held once the authorization expired", async function () {
    ok(await cli(authorizeArgs("c.json", "2.25", ["--authorization-expiry", "1h"]), PAYER));
    await f.local.chain.provider.send("evm_increaseTime", [3_601]);
    await f.local.chain.provider.send("evm_mine", []);
    const { delta } = await changes([PAYER], () => cli(["escrow", "reclaim", file("c.json"), "--json"], PAYER));
    expect(delta).to.deep.equal([2_250_000n]);
  });

  it("charge pays at once, and status (no key) reads it back", async function () {
    const { out, delta } = await changes([PAYER, PAYEE], () =>
      cli(
        authorizeArgs("d.json", "12.50", ["--fee", "1"]).map((a) => (a === "authorize" ? "charge" : a)),
        PAYER,
      ),
    );
    expect(delta).to.deep.equal([-12_500_000n, 12_375_000n]);
    expect(out.events).to.include("PaymentCharged");
    const status = ok(await cli(["escrow", "status", file("d.json"), "--json"]));
    expect(status).to.deep.include({ paymentId: out.paymentId, status: "authorized", refundable: "12500000" });
    const text = await cli(["escrow", "status", file("d.json")]);
    expect(text.stdout).to.contain("refundable  12.5 tUSDC");
  });

  describe("error paths", function () {
    it("a capture above what is held: exit 1, the decoded revert on stderr and in the JSON", async function () {
      ok(await cli(authorizeArgs("e.json", "1"), PAYER));
      const run = await cli(["escrow", "capture", file("e.json"), "--amount", "2", "--json"], OPERATOR);
      const error = refused(run, "CofferEscrowInvalidAmount");
      expect(error.args).to.deep.equal({ amount: "2000000", maximum: "1000000" });
      expect(error.message).to.equal(
        "Escrow: invalid amount (amount 2000000, maximum 1000000) [CofferEscrowInvalidAmount]",
      );
    });

    it("relay by anyone but the payment's operator is refused with CofferEscrowUnauthorizedCaller", async function () {
      const args = ["escrow", "sign", "charge", "--payee", address(PAYEE), "--token", "TestUSDC", "--amount", "3"];
      ok(await cli([...args, "--operator", address(OPERATOR), "--out", file("g.json"), "--json"], PAYER));
      const error = refused(
        await cli(["escrow", "relay", file("g.json"), "--json"], PAYEE),
        "CofferEscrowUnauthorizedCaller",
      );
      expect(error.args).to.deep.equal({ caller: address(PAYEE), expected: address(OPERATOR) });
    });

    it("no key, or an amount with too many decimals: exit 2 and nothing sent", async function () {
      const noKey = await cli(authorizeArgs("f.json", "1"));
      expect(noKey.code).to.equal(2);
      expect(noKey.stderr).to.contain("no signing key");
      const badAmount = await cli(authorizeArgs("f.json", "1.1234567"), PAYER);
      expect(badAmount.code).to.equal(2);
      expect(badAmount.stderr).to.contain("more than the 6 decimals of tUSDC");
      expect(fs.existsSync(file("f.json"))).to.equal(false);
    });
  });
});
