import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { expect } from "chai";
import { ethers } from "ethers";
import { devPrivateKey, freePort } from "../../scripts/lib/local-chain";
import { readSafeTransactionFile, writeSafeTransactionFile } from "../../sdk/src/node";
import type { SafeTransactionFile } from "../../sdk/src/safe";
import { newAddress, startSafeFixture, type SafeFixture } from "../sdk/safe/fixture";
import { cliEnv, runCli, runCliInProcess, type CliRun } from "./helpers";

/** Every failure prints exactly one readable line on stderr, never a stack trace. */
function expectOneLineError(run: CliRun, code: number, text: string): void {
  expect(run.code, run.stderr).to.equal(code);
  expect(run.stderr.trimEnd().split("\n"), run.stderr).to.have.length(1);
  expect(run.stderr).to.contain(text);
  expect(run.stderr).to.not.match(/^\s+at /m);
}

describe("cli: coffer safe (signers in separate processes)", function () {
  let fixture: SafeFixture;
  let work: string;
  const address = (index: number) => new ethers.Wallet(devPrivateKey(index)).address;
  /** The environment of the signer at dev account `index` (no key when undefined). */
  const as = (index?: number, extra: Record<string, string> = {}) =>
    cliEnv({
      COFFER_RPC_URL: fixture.url,
      COFFER_DEPLOYMENTS_DIR: fixture.local.deploymentsDir,
      COFFER_PRIVATE_KEY: index === undefined ? undefined : devPrivateKey(index),
      ...extra,
    });
  const safeNonce = async () =>
    Number(await fixture.local.chain.provider.call({ to: fixture.safeAddress, data: "0xaffed0e0" })); // nonce()

  before(async function () {
    fixture = await startSafeFixture();
    work = fs.mkdtempSync(path.join(os.tmpdir(), "coffer-cli-"));
  });
  after(async function () {
    await fixture.stop();
    fs.rmSync(work, { recursive: true, force: true });
  });

  describe("propose → export → co-sign → execute, one process per signer", function () {
    const recipient = newAddress();
    const amount = 250_000_000n; // 250 tUSDC
    let file: string;
    let safeTxHash: string;

    it("owner 1's process proposes a USDC payout from the treasury Safe and writes the signed file", async function () {
      file = path.join(work, "payout.json");
      const run = await runCli(
        [
          ...["safe", "propose", "transfer", "--token", "tUSDC", "--to", recipient],
          ...["--amount", "250", "--out", file, "--note", "invoice 42", "--json"],
        ],
        as(1),
      );
      expect(run.code, run.stderr).to.equal(0);
      const out = run.json();
      expect(out).to.include({ ok: true, chainId: 31337, safeAddress: fixture.safeAddress, nonce: 0, file });
      expect(out.description).to.deep.equal({
        kind: "erc20Transfer",
        token: fixture.usdcAddress,
        to: recipient,
        amount: `${amount}`,
      });
      expect(out).to.include({ threshold: 2, missing: 1, executable: false });
      expect(out.approvals).to.deep.equal([{ owner: address(1), kind: "signature" }]);
      const written = readSafeTransactionFile(file);
      expect(written.safeTxHash).to.equal(out.safeTxHash);
      expect(written.signatures.map((s) => s.signer)).to.deep.equal([address(1)]);
      expect(written.note).to.equal("invoice 42");
      safeTxHash = written.safeTxHash;
    });

    it("show prints what it does, offline, in base units where it cannot know the decimals, and says so", async function () {
      const run = await runCliInProcess(["safe", "show", file], cliEnv({}));
      expect(run.code, run.stderr).to.equal(0);
      expect(run.stdout).to.contain(`Safe transaction ${safeTxHash}`);
      expect(run.stdout).to.contain(`transfer ${amount} base units of token ${fixture.usdcAddress} to ${recipient}`);
      expect(run.stdout).to.contain(
        `amounts    in base units for ${fixture.usdcAddress}: its decimals are not known offline ` +
          "(not a test token of the manifest of chain 31337); pass --rpc-url or --verify to read them from the chain",
      );
      expect(run.stdout).to.contain("(not verified)");
      expect(run.stdout).to.contain("note       invoice 42 (unsigned)");
      const json = (await runCliInProcess(["safe", "show", file, "--json"], cliEnv({}))).json();
      expect(json).to.deep.include({ tokens: [], unknownDecimals: [fixture.usdcAddress] });
    });

    it("show offline reads a test token's decimals from the manifest: 250 tUSDC, no node asked", async function () {
      const env = cliEnv({ COFFER_DEPLOYMENTS_DIR: fixture.local.deploymentsDir });
      const run = await runCliInProcess(["safe", "show", file], env);
      expect(run.code, run.stderr).to.equal(0);
      expect(run.stdout).to.contain(`transfer 250 tUSDC to ${recipient}`);
      expect(run.stdout).to.not.contain("base units");
      const json = (await runCliInProcess(["safe", "show", file, "--json"], env)).json();
      expect(json).to.deep.include({
        tokens: [{ token: fixture.usdcAddress, symbol: "tUSDC", decimals: 6, from: "manifest" }],
        unknownDecimals: [],
      });
    });

    it("show without a manifest reads the decimals from the chain when a node answers, and says when none does", async function () {
      const reachable = await runCliInProcess(["safe", "show", file, "--rpc-url", fixture.url, "--json"], cliEnv({}));
      expect(reachable.code, reachable.stderr).to.equal(0);
      expect(reachable.json()).to.deep.include({
        tokens: [{ token: fixture.usdcAddress, symbol: "tUSDC", decimals: 6, from: "chain" }],
        unknownDecimals: [],
      });
      const text = await runCliInProcess(["safe", "show", file, "--rpc-url", fixture.url], cliEnv({}));
      expect(text.stdout).to.contain(`transfer 250 tUSDC to ${recipient}`);
      expect(text.stdout).to.contain("(not verified)");

      const down = `http://127.0.0.1:${await freePort()}`;
      const unreachable = await runCliInProcess(["safe", "show", file, "--rpc-url", down], cliEnv({}));
      expect(unreachable.code, unreachable.stderr).to.equal(0);
      expect(unreachable.stdout).to.contain(`transfer ${amount} base units of token ${fixture.usdcAddress}`);
      expect(unreachable.stdout).to.contain(`its decimals are not known offline`);
      expect(unreachable.stdout).to.contain(`the node at ${down} did not answer`);
    });

    it("show --verify reads the token: the signer sees 250 tUSDC", async function () {
      const run = await runCliInProcess(["safe", "show", file, "--verify"], as());
      expect(run.code, run.stderr).to.equal(0);
      expect(run.stdout).to.contain(`transfer 250 tUSDC to ${recipient}`);
      expect(run.stdout).to.contain("status     1 signature missing\n");
    });

    it("a non-owner cannot execute it yet: one signature missing (exit 1)", async function () {
      const run = await runCliInProcess(["safe", "exec", file, "--json"], as(5));
      expectOneLineError(run, 1, "1 signature missing");
      expect(run.json()).to.deep.equal({
        ok: false,
        error: { name: "SafeThresholdNotMetError", message: run.stderr.replace(/^coffer: /, "").trim() },
      });
      expect(await fixture.usdc.balanceOf(recipient)).to.equal(0n);
    });

    it("owner 2's process verifies the file and co-signs it in place", async function () {
      const run = await runCli(["safe", "sign", file, "--json"], as(2));
      expect(run.code, run.stderr).to.equal(0);
      expect(run.json()).to.include({
        ok: true,
        safeTxHash,
        signer: address(2),
        added: true,
        missing: 0,
        executable: true,
      });
      const signers = readSafeTransactionFile(file).signatures.map((s) => s.signer);
      expect(signers.sort()).to.deep.equal([address(1), address(2)].sort());
    });

    it("a non-owner's process executes it and the recipient is paid", async function () {
      const run = await runCli(["safe", "exec", file, "--json"], as(5));
      expect(run.code, run.stderr).to.equal(0);
      const out = run.json<{ safeTxHash: string; transactionHash: string; executor: string; approvals: unknown[] }>();
      expect(out).to.include({ ok: true, safeTxHash, executor: address(5) });
      expect(out.approvals).to.have.length(2);
      const receipt = await fixture.local.chain.provider.getTransactionReceipt(out.transactionHash);
      expect(receipt?.status).to.equal(1);
      expect(await fixture.usdc.balanceOf(recipient)).to.equal(amount);
    });

    it("executing it again fails as stale (exit 1)", async function () {
      const run = await runCliInProcess(["safe", "exec", file], as(5));
      expectOneLineError(run, 1, "is stale: its nonce 0 is below the Safe's current nonce 1");
    });
  });

  describe("when a file was tampered with", function () {
    let proposal: SafeTransactionFile;
    const tampered = (name: string, change: (file: SafeTransactionFile) => SafeTransactionFile) => {
      const target = path.join(work, name);
      writeSafeTransactionFile(target, change(proposal));
      return target;
    };

    before(async function () {
      const file = path.join(work, "base.json");
      const run = await runCliInProcess(
        [
          "safe",
          "propose",
          "transfer",
          "--token",
          "ETH",
          "--to",
          newAddress(),
          "--amount",
          "0.000000000000001",
          "--out",
          file,
        ],
        as(1),
      );
      expect(run.code, run.stderr).to.equal(0);
      expect(run.stdout).to.contain(`Proposed and signed by ${address(1)}:`);
      expect(run.stdout).to.contain("1 signature missing");
      proposal = readSafeTransactionFile(file);
    });

    it("owner 2's process refuses forged and duplicated signatures (exit 1) and signs nothing", async function () {
      const real = proposal.signatures[0]!;
      const forged = tampered("forged.json", (f) => ({ ...f, signatures: [{ ...real, signer: address(3) }] }));
      const duplicated = tampered("duplicated.json", (f) => ({ ...f, signatures: [real, real] }));
      const forgedRun = await runCli(["safe", "sign", forged, "--json"], as(2));
      const duplicatedRun = await runCliInProcess(["safe", "sign", duplicated, "--json"], as(2));
      expectOneLineError(forgedRun, 1, `The signature claimed by ${address(3)} does not sign`);
      expect(forgedRun.stderr).to.contain(`it recovers to ${address(1)}`);
      expect(forgedRun.json()).to.have.nested.property("error.name", "SafeSignatureMismatchError");
      expectOneLineError(duplicatedRun, 1, `${address(1)} appears 2 times among the signatures`);
      expect(duplicatedRun.json()).to.have.nested.property("error.name", "SafeDuplicateSignatureError");
      expect(readSafeTransactionFile(forged).signatures).to.have.length(1);
      expect(readSafeTransactionFile(duplicated).signatures).to.have.length(2);
    });

    it("refuses altered data and a signer who is not an owner", async function () {
      const altered = tampered("altered.json", (f) => ({ ...f, transaction: { ...f.transaction, value: "10000" } }));
      const stranger = new ethers.Wallet(devPrivateKey(7));
      const strangerSignature = {
        signer: stranger.address,
        data: stranger.signingKey.sign(proposal.safeTxHash).serialized,
        isContractSignature: false,
      };
      const notOwner = tampered("not-owner.json", (f) => ({ ...f, signatures: [...f.signatures, strangerSignature] }));
      expectOneLineError(await runCliInProcess(["safe", "sign", altered], as(2)), 1, "does not match its data");
      expectOneLineError(
        await runCliInProcess(["safe", "sign", notOwner], as(2)),
        1,
        `${stranger.address} is not an owner of Safe ${fixture.safeAddress}`,
      );
    });

    it("show --verify exits 1 on a forged file and 0 on the real one", async function () {
      const forged = await runCliInProcess(["safe", "show", path.join(work, "forged.json"), "--verify"], as());
      expectOneLineError(forged, 1, "does not sign safeTxHash");
      const real = await runCliInProcess(["safe", "show", path.join(work, "base.json"), "--verify"], as());
      expect(real.code, real.stderr).to.equal(0);
      expect(real.stdout).to.contain(`approvals  1 of 2: ${address(1)}`);
      expect(real.stdout).to.contain("status     1 signature missing");
    });
  });

  describe("other kinds of proposals", function () {
    it("propose batch reads transfers and calls from a JSON file and proposes one MultiSend", async function () {
      const calls = path.join(work, "calls.json");
      const recipient = newAddress();
      fs.writeFileSync(
        calls,
        JSON.stringify([
          { token: "TestUSDC", to: recipient, amount: "0.000003" },
          { token: "eth", to: recipient, amount: "0.000000000000000004" },
          { to: recipient, value: "5" },
        ]),
      );
      const out = path.join(work, "batch.json");
      const run = await runCliInProcess(["safe", "propose", "batch", "--calls", calls, "--out", out, "--json"], as(2));
      expect(run.code, run.stderr).to.equal(0);
      expect(run.json().description).to.deep.equal({
        kind: "batch",
        calls: [
          { kind: "erc20Transfer", token: fixture.usdcAddress, to: recipient, amount: "3" },
          { kind: "ethTransfer", to: recipient, value: "4" },
          { kind: "ethTransfer", to: recipient, value: "5" },
        ],
      });
      fs.writeFileSync(calls, JSON.stringify([{ to: recipient, amount: "1" }]));
      const bad = await runCliInProcess(["safe", "propose", "batch", "--calls", calls, "--out", `${out}.2`], as(2));
      expectOneLineError(bad, 2, "is not a batch");
    });

    it("propose call, add-owner, remove-owner and change-threshold describe what they do", async function () {
      const propose = async (args: string[]) => {
        const out = path.join(work, `kind-${args[0]}.json`);
        const run = await runCliInProcess(["safe", "propose", ...args, "--out", out, "--json"], as(1));
        expect(run.code, run.stderr).to.equal(0);
        return run.json().description;
      };
      const data = new ethers.Interface(["function mint(address,uint256)"]).encodeFunctionData("mint", [address(9), 1]);
      expect(await propose(["call", "--to", fixture.usdcAddress, "--data", data])).to.deep.equal({
        kind: "call",
        to: fixture.usdcAddress,
        value: "0",
        selector: data.slice(0, 10),
        operation: 0,
      });
      expect(await propose(["add-owner", "--owner", address(9), "--threshold", "3"])).to.deep.equal({
        kind: "addOwner",
        owner: address(9),
        threshold: 3,
      });
      expect(await propose(["remove-owner", "--owner", address(3)])).to.deep.equal({
        kind: "removeOwner",
        owner: address(3),
        threshold: 2, // kept: protocol-kit alone would lower it to 1
      });
      expect(await propose(["change-threshold", "--threshold", "3"])).to.deep.equal({
        kind: "changeThreshold",
        threshold: 3,
      });
      const invalid = await runCliInProcess(
        ["safe", "propose", "change-threshold", "--threshold", "4", "--out", path.join(work, "x.json")],
        as(1),
      );
      expectOneLineError(invalid, 1, "Invalid proposal: Threshold cannot exceed owner count");
    });
  });

  describe("usage errors exit 2 and do nothing", function () {
    const out = () => path.join(work, "never.json");
    const transfer = () => ["safe", "propose", "transfer", "--token", "ETH", "--to", newAddress(), "--amount", "1"];

    it("a separate process without a key exits 2 with one line", async function () {
      const run = await runCli([...transfer(), "--out", out()], as());
      expectOneLineError(run, 2, "coffer: no signing key: set COFFER_PRIVATE_KEY, or pass --keystore <file>");
    });

    const cases: [string, () => string[], () => NodeJS.ProcessEnv, string][] = [
      [
        "a key flag",
        () => [...transfer(), "--out", out(), "--private-key", devPrivateKey(1)],
        () => as(),
        "unknown option '--private-key'",
      ],
      [
        "a bad address",
        () => [...transfer().slice(0, 6), "0x123", "--amount", "1", "--out", out()],
        () => as(1),
        "--to 0x123 is not an address",
      ],
      [
        "an amount with more decimals than the token has",
        () => [...transfer().slice(0, -1), "1.0000000000000000001", "--out", out()],
        () => as(1),
        "--amount 1.0000000000000000001 has more than the 18 decimals of ETH",
      ],
      [
        "an amount in base units' clothing",
        () => [...transfer().slice(0, -1), "1e6", "--out", out()],
        () => as(1),
        "--amount 1e6 is not an amount (e.g. 12.50)",
      ],
      [
        "a token that is not one",
        () => [...transfer().slice(0, 4), "tDOGE", ...transfer().slice(5), "--out", out()],
        () => as(1),
        "--token tDOGE is not a token on chain 31337: use ETH, tUSDC (TestUSDC)",
      ],
      ["no output", () => transfer(), () => as(1), "say where the proposal goes"],
      [
        "two stores",
        () => [...transfer(), "--dir", work, "--service", "http://x"],
        () => as(1),
        "at most one of --dir",
      ],
      [
        "a malformed key",
        () => [...transfer(), "--out", out()],
        () => as(1, { COFFER_PRIVATE_KEY: "0x1234" }),
        "COFFER_PRIVATE_KEY is not a private key",
      ],
      [
        "no RPC URL",
        () => [...transfer(), "--out", out()],
        () => cliEnv({ COFFER_PRIVATE_KEY: devPrivateKey(1) }),
        "no RPC URL",
      ],
      ["sign without a file or hash", () => ["safe", "sign"], () => as(2), "give a transaction file, or --hash"],
      ["an unknown command", () => ["safe", "approve"], () => as(), "unknown command 'approve'"],
      [
        "a missing required option",
        () => ["safe", "propose", "change-threshold", "--out", out()],
        () => as(1),
        "--threshold <n>' not specified",
      ],
    ];
    for (const [what, args, env, message] of cases) {
      it(`refuses ${what}`, async function () {
        const run = await runCliInProcess(args(), env());
        expectOneLineError(run, 2, message);
        expect(run.stderr).to.not.contain("0x1234");
        expect(fs.existsSync(out())).to.equal(false);
      });
    }

    it("--help works on every command and exits 0", async function () {
      const spawned = await runCli(["--help"], cliEnv({}));
      expect(spawned.code).to.equal(0);
      expect(spawned.stdout).to.contain("Exit codes: 0 done; 1 the command failed");
      const commands = [
        ["safe"],
        ...["transfer", "batch", "call", "add-owner", "remove-owner", "change-threshold"].map((kind) => [
          "safe",
          "propose",
          kind,
        ]),
        ...["propose", "sign", "exec", "pending", "show", "serve"].map((command) => ["safe", command]),
      ];
      for (const command of commands) {
        const run = await runCliInProcess([...command, "--help"], cliEnv({}));
        expect(run.code, command.join(" ")).to.equal(0);
        expect(run.stdout).to.match(new RegExp(`^Usage: coffer ${command.join(" ")}`));
      }
    });

    it("a node that cannot be reached is a failure (exit 1), not a hang", async function () {
      const run = await runCliInProcess(
        ["safe", "show", path.join(work, "base.json"), "--verify", "--rpc-url", "http://127.0.0.1:9"],
        cliEnv({}),
      );
      expectOneLineError(run, 1, "cannot reach the node at http://127.0.0.1:9");
    });
  });

  describe("keys from an encrypted keystore", function () {
    let keystore: string;
    before(async function () {
      keystore = path.join(work, "owner3.json");
      const account = { address: address(3), privateKey: devPrivateKey(3) };
      fs.writeFileSync(
        keystore,
        await ethers.encryptKeystoreJson(account, "correct horse", { scrypt: { N: 1 << 10 } }),
      );
    });
    const transfer = (out: string) => [
      ...["safe", "propose", "transfer", "--token", "ETH", "--to", newAddress(), "--amount", "5"],
      ...["--out", out, "--keystore", keystore, "--json"],
    ];

    it("signs with the keystore's key (over COFFER_PRIVATE_KEY), the password from COFFER_KEYSTORE_PASSWORD", async function () {
      const run = await runCliInProcess(
        transfer(path.join(work, "ks.json")),
        as(1, { COFFER_KEYSTORE_PASSWORD: "correct horse" }),
      );
      expect(run.code, run.stderr).to.equal(0);
      expect(run.json().approvals).to.deep.equal([{ owner: address(3), kind: "signature" }]);
    });

    it("a wrong password fails (exit 1); a missing one is a usage error (exit 2)", async function () {
      const wrong = await runCliInProcess(
        transfer(path.join(work, "ks2.json")),
        as(undefined, { COFFER_KEYSTORE_PASSWORD: "x" }),
      );
      expectOneLineError(wrong, 1, "cannot decrypt the keystore");
      const missing = await runCliInProcess(transfer(path.join(work, "ks3.json")), as());
      expectOneLineError(missing, 2, "--keystore needs its password in COFFER_KEYSTORE_PASSWORD");
    });
  });

  describe("sharing through a directory", function () {
    it("two processes' proposals get consecutive nonces; pending lists them; sign and exec by hash", async function () {
      const dir = path.join(work, "store");
      const transfer = (to: string) => [
        ...["safe", "propose", "transfer", "--token", fixture.usdcAddress, "--to", to, "--amount", "0.000007"],
        ...["--dir", dir, "--json"],
      ];
      const recipients = [newAddress(), newAddress()];
      const proposed = await Promise.all([
        runCli(transfer(recipients[0]!), as(1)),
        runCli(transfer(recipients[1]!), as(2)),
      ]);
      proposed.forEach((run) => expect(run.code, run.stderr).to.equal(0));
      const nonce = await safeNonce();
      const [first, second] = proposed.map((run) => run.json<{ nonce: number; safeTxHash: string }>());
      expect([first!.nonce, second!.nonce].sort()).to.deep.equal([nonce, nonce + 1]);

      const pending = await runCliInProcess(["safe", "pending", "--dir", dir, "--json"], as());
      expect(pending.code, pending.stderr).to.equal(0);
      const listed = pending.json<{
        safeNonce: number;
        transactions: { nonce: number; missing: number; safeTxHash: string }[];
      }>();
      expect(listed.safeNonce).to.equal(nonce);
      expect(listed.transactions.map((t) => [t.nonce, t.missing])).to.deep.equal([
        [nonce, 1],
        [nonce + 1, 1],
      ]);
      const text = await runCliInProcess(["safe", "pending", "--dir", dir], as());
      expect(text.stdout).to.contain("2 pending:");

      // The lower nonce first: owner 3 co-signs, a non-owner executes, each in its own process.
      const [lower, higher] = first!.nonce < second!.nonce ? [first!, second!] : [second!, first!];
      const sign = await runCli(["safe", "sign", "--hash", lower.safeTxHash, "--dir", dir, "--json"], as(3));
      expect(sign.code, sign.stderr).to.equal(0);
      expect(sign.json()).to.include({ added: true, missing: 0 });
      const exec = await runCli(["safe", "exec", "--hash", lower.safeTxHash, "--dir", dir, "--json"], as(5));
      expect(exec.code, exec.stderr).to.equal(0);
      expect(await safeNonce()).to.equal(nonce + 1);
      // Then the other one.
      expect((await runCliInProcess(["safe", "sign", "--hash", higher.safeTxHash, "--dir", dir], as(3))).code).to.equal(
        0,
      );
      expect((await runCliInProcess(["safe", "exec", "--hash", higher.safeTxHash, "--dir", dir], as(5))).code).to.equal(
        0,
      );
      for (const recipient of recipients) expect(await fixture.usdc.balanceOf(recipient)).to.equal(7n);
      const after = await runCliInProcess(["safe", "pending", "--dir", dir, "--json"], as());
      expect(after.json<{ transactions: unknown[] }>().transactions).to.deep.equal([]);
    });
  });

  describe("a proposal that spends more than the Safe holds", function () {
    it("is listed as not executable, with the shortfall in token units (text) and base units (JSON)", async function () {
      const dir = path.join(work, "short");
      const held = await fixture.usdc.balanceOf(fixture.safeAddress);
      const needed = held + 150_000_000n; // 150 tUSDC more than it holds
      const to = newAddress();
      const propose = await runCliInProcess(
        [
          ...["safe", "propose", "transfer", "--token", "tusdc", "--to", to],
          ...["--amount", ethers.formatUnits(needed, 6), "--dir", dir],
        ],
        as(1),
      );
      expect(propose.code, propose.stderr).to.equal(0);
      const heldText = `${ethers.formatUnits(held, 6).replace(/\.0$/, "")} tUSDC`;
      const shortText = `not executable: the Safe holds ${heldText}, 150 tUSDC short`;
      expect(propose.stdout).to.contain(`transfer ${ethers.formatUnits(needed, 6).replace(/\.0$/, "")} tUSDC to ${to}`);
      expect(propose.stdout).to.contain(`status     1 signature missing; ${shortText}`);

      const [proposed] = fs.readdirSync(dir).filter((name) => name.endsWith(".json"));
      const hash = path.basename(proposed!, ".json");
      const sign = await runCliInProcess(["safe", "sign", "--hash", hash, "--dir", dir], as(2));
      expect(sign.code, sign.stderr).to.equal(0);
      expect(sign.stdout).to.contain(`status     ${shortText}\n`);

      const pending = await runCliInProcess(["safe", "pending", "--dir", dir, "--json"], as());
      expect(pending.code, pending.stderr).to.equal(0);
      const [listed] = pending.json<{ transactions: Record<string, unknown>[] }>().transactions;
      expect(listed).to.include({ missing: 0, executable: false });
      expect(listed!.shortfalls).to.deep.equal([
        {
          token: fixture.usdcAddress,
          symbol: "tUSDC",
          needed: needed.toString(),
          held: held.toString(),
          short: "150000000",
        },
      ]);
      const text = await runCliInProcess(["safe", "pending", "--dir", dir], as());
      expect(text.stdout).to.contain(shortText);
    });
  });
});
