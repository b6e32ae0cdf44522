import fs from "node:fs";
import { expect } from "chai";
import { ethers } from "ethers";
import { devPrivateKey } from "../../scripts/lib/local-chain";
import { cliEnv, runCli } from "./helpers";
import { CofferEscrow__factory, type CofferEscrow } from "../../typechain-types";
import { ok, refused, startModulesFixture, type ModulesFixture } from "./modules-fixture";

describe("cli: coffer invoice (child processes against a local chain)", function () {
  // Each command is a separate Node process: slow on a loaded machine, hence a generous timeout per test.
  this.timeout(600_000);
  let f: ModulesFixture;
  let escrowContract: CofferEscrow;
  let invoiceId: string;
  const PAYER = 5;
  const PAYEE = 7;

  before(async function () {
    f = await startModulesFixture("invoice");
    escrowContract = CofferEscrow__factory.connect(
      f.local.first.manifest.contracts["CofferEscrow"]!.address,
      f.local.chain.provider,
    );
    await (await f.usdc.mint(f.address(PAYER), 1_000_000_000n)).wait();
  });
  after(async function () {
    await f.stop();
  });

  it("create signs an invoice as its payee and writes it; its id is the contract's", async function () {
    const created = ok<{ invoiceId: string; signature: string }>(
      await f.run(
        [
          ...["invoice", "create", "--token", "TestUSDC", "--amount", "99.99", "--reference", "INV-7"],
          ...["--out", f.file("inv.json"), "--json"],
        ],
        PAYEE,
      ),
    );
    const written = JSON.parse(fs.readFileSync(f.file("inv.json"), "utf8")) as {
      format: string;
      invoice: never;
      signature: string;
    };
    expect(written.format).to.equal("coffer-invoice/1");
    expect(written.signature).to.equal(created.signature);
    expect(created.invoiceId).to.equal(await escrowContract.getInvoiceId(written.invoice));
    invoiceId = created.invoiceId;
  });

  it("verify checks id, signature, expiry and payment (no key); pay pays exactly its amount", async function () {
    const verified = ok(await f.run(["invoice", "verify", f.file("inv.json"), "--json"]));
    expect(verified).to.include({ status: "payable", valid: true, signatureValid: true, paid: false });
    const [payerBefore, payeeBefore] = await Promise.all([
      f.usdc.balanceOf(f.address(PAYER)),
      f.usdc.balanceOf(f.address(PAYEE)),
    ]);
    const paid = ok(await f.run(["invoice", "pay", f.file("inv.json"), "--json"], PAYER));
    expect(paid).to.include({ invoiceId, amount: "99990000", payee: f.address(PAYEE) });
    expect(payerBefore - (await f.usdc.balanceOf(f.address(PAYER)))).to.equal(99_990_000n);
    expect((await f.usdc.balanceOf(f.address(PAYEE))) - payeeBefore).to.equal(99_990_000n);
    expect(await escrowContract.isInvoicePaid(invoiceId)).to.equal(true);
    const text = await f.run(["invoice", "verify", f.file("inv.json")]);
    expect(text.stdout).to.contain(`Invoice ${invoiceId}: paid`);
    expect(text.stdout).to.contain("99.99 tUSDC");
  });

  it("create signs with an encrypted keystore whose password comes from the environment", async function () {
    const keystore = f.file("payee.keystore.json");
    const account = new ethers.Wallet(devPrivateKey(PAYEE));
    const json = await ethers.encryptKeystoreJson(
      { address: account.address, privateKey: account.privateKey },
      "correct horse",
      { scrypt: { N: 1024 } },
    );
    fs.writeFileSync(keystore, json);
    const run = await runCli(
      [
        ...["invoice", "create", "--token", "ETH", "--amount", "0.25", "--reference", "INV-8"],
        ...["--keystore", keystore, "--out", f.file("eth.json"), "--json"],
      ],
      cliEnv({
        COFFER_RPC_URL: f.local.chain.url,
        COFFER_DEPLOYMENTS_DIR: f.local.deploymentsDir,
        COFFER_KEYSTORE_PASSWORD: "correct horse",
      }),
    );
    const out = ok<{ invoice: { payee: string; amount: string; token: string } }>(run);
    expect(out.invoice).to.include({
      payee: f.address(PAYEE),
      amount: "250000000000000000",
      token: ethers.ZeroAddress,
    });
  });

  it("paying it twice is refused (exit 1); a tampered file does not verify (exit 1)", async function () {
    const twice = refused(
      await f.run(["invoice", "pay", f.file("inv.json"), "--json"], PAYER),
      "CofferEscrowInvoiceAlreadyPaid",
    );
    expect(twice.args).to.deep.equal({ invoiceId });
    const tampered = JSON.parse(fs.readFileSync(f.file("inv.json"), "utf8")) as { invoice: { amount: string } };
    tampered.invoice.amount = "1";
    fs.writeFileSync(f.file("tampered.json"), JSON.stringify(tampered));
    const verify = await f.run(["invoice", "verify", f.file("tampered.json"), "--json"]);
    expect(verify.code).to.equal(1);
    expect(verify.json()).to.deep.include({ ok: false });
    expect(verify.stderr).to.contain("does not verify: the file was altered");
  });
});
