import { expect } from "chai";
import { ethers } from "ethers";
import { channelIdOf, verifyVoucher } from "../../sdk/src/channels";
import {
  BlocklistToken__factory,
  CofferChannels__factory,
  type BlocklistToken,
  type CofferChannels,
} from "../../typechain-types";
import { cliEnv, runCliInProcess, type CliRun } from "./helpers";
import { ok, refused, startModulesFixture, type ModulesFixture } from "./modules-fixture";

/** A usage error: exit 2, one line on stderr in the house style, and with --json one `ok: false` document. */
function expectUsage(run: CliRun, message: string, json: boolean): void {
  expect(run.code, `${run.stdout}\n${run.stderr}`).to.equal(2);
  expect(run.stderr).to.equal(`coffer: ${message} (see --help)\n`);
  if (json) expect(run.json()).to.deep.equal({ ok: false, error: { name: "UsageError", message } });
  else expect(run.stdout).to.equal("");
}

interface ChannelJson {
  channelId: string;
  payer: string;
  payee: string;
  token: string;
  symbol: string;
  decimals: number;
  signer: string;
  deposit: string;
  redeemed: string;
  remaining: string;
  challengePeriod: string;
  exitAt: string;
  status: string;
}

describe("cli: coffer channels (child processes against a local chain)", function () {
  // Each command is a separate Node process: slow on a loaded machine, hence a generous timeout per test.
  this.timeout(600_000);
  let f: ModulesFixture;
  let contract: CofferChannels;
  const PAYER = 5;
  const PAYEE = 6;
  const REDEEMER = 8;
  const SESSION_KEY = 9;
  const STRANGER = 10;
  let usdcChannel: string;
  let ethChannel: string;
  const ethSalt = ethers.hexlify(ethers.randomBytes(32));

  /** `coffer …` in this process as dev account `index` (for the error cases: no process start each). */
  const inProcess = (args: readonly string[], index?: number) =>
    runCliInProcess(
      args,
      cliEnv({
        COFFER_RPC_URL: f.local.chain.url,
        COFFER_DEPLOYMENTS_DIR: f.local.deploymentsDir,
        COFFER_PRIVATE_KEY: index === undefined ? undefined : f.wallet(index).privateKey,
      }),
    );
  const nonceOf = (index: number) => f.local.chain.provider.getTransactionCount(f.address(index), "latest");
  const voucher = async (channelId: string, amount: string, index = PAYER) =>
    ok<{ channelId: string; amount: string; signature: string }>(
      await f.run(["channels", "voucher", channelId, "--amount", amount, "--json"], index),
    ).signature;

  before(async function () {
    f = await startModulesFixture("channels");
    contract = CofferChannels__factory.connect(
      f.local.first.manifest.contracts["CofferChannels"]!.address,
      f.local.chain.provider,
    );
    await (await f.usdc.mint(f.address(PAYER), 1_000_000_000n)).wait();
  });
  after(async function () {
    await f?.stop();
  });

  describe("a tUSDC channel: open, show, voucher, redeem, top-up, redeemer, close", function () {
    it("open takes the symbol and token units, approves the deposit, and prints the channel's terms", async function () {
      const out = ok<Record<string, unknown> & { channelId: string; events: string[] }>(
        await f.run(
          ["channels", "open", "--payee", f.address(PAYEE), "--token", "tUSDC", "--deposit", "100", "--json"],
          PAYER,
        ),
      );
      usdcChannel = out.channelId;
      expect(out).to.include({
        payer: f.address(PAYER),
        payee: f.address(PAYEE),
        token: f.usdcAddress,
        symbol: "tUSDC",
        deposit: "100000000",
        challengePeriod: "3600",
        signer: f.address(PAYER),
      });
      expect(out.events).to.include("ChannelOpened");
      const stored = await contract.getChannel(usdcChannel);
      expect(stored.deposit).to.equal(100_000_000n);
      expect(stored.challengePeriod).to.equal(3_600n);
      expect(await f.usdc.balanceOf(await contract.getAddress())).to.equal(100_000_000n);
    });

    it("show prints the parties, the token, the amounts in token units and the status (no key)", async function () {
      const out = ok<ChannelJson & { credits: Record<string, string> }>(
        await f.run(["channels", "show", usdcChannel, "--json"]),
      );
      expect(out).to.deep.include({
        channelId: usdcChannel,
        payer: f.address(PAYER),
        payee: f.address(PAYEE),
        symbol: "tUSDC",
        decimals: 6,
        deposit: "100000000",
        redeemed: "0",
        remaining: "100000000",
        challengePeriod: "3600",
        exitAt: "0",
        status: "open",
        credits: { payee: "0", payer: "0" },
      });
      const text = await f.run(["channels", "show", usdcChannel]);
      expect(text.code, text.stderr).to.equal(0);
      expect(text.stdout).to.contain(`Channel ${usdcChannel}: open`);
      expect(text.stdout).to.match(/token\s+tUSDC \(6 decimals\)/);
      expect(text.stdout).to.match(/deposit\s+100\.0 tUSDC/);
      expect(text.stdout).to.match(/remaining\s+100\.0 tUSDC/);
      expect(text.stdout).to.match(/challenge period\s+1h/);
      expect(text.stdout).to.not.contain("credit");
    });

    it("voucher signs the cumulative amount with the payer's key; the signature verifies", async function () {
      const out = ok<Record<string, unknown>>(
        await f.run(["channels", "voucher", usdcChannel, "--amount", "30", "--json"], PAYER),
      );
      expect(Object.keys(out).sort()).to.deep.equal(["amount", "channelId", "ok", "signature"]);
      expect(out).to.include({ channelId: usdcChannel, amount: "30000000" });
      const domain = { chainId: 31337, channels: await contract.getAddress() };
      expect(
        verifyVoucher(
          { channelId: usdcChannel, amount: 30_000_000n },
          out.signature as string,
          f.address(PAYER),
          domain,
        ),
      ).to.equal(true);
      const text = await f.run(["channels", "voucher", usdcChannel, "--amount", "30"], PAYER);
      expect(text.stdout).to.contain("Voucher for 30.0 tUSDC in total");
      expect(text.stdout).to.contain(`coffer channels redeem ${usdcChannel} --amount 30 --signature 0x`);
    });

    it("voucher refuses an amount above the deposit, and a key that is not the channel's signer (exit 2)", async function () {
      for (const json of [false, true]) {
        const args = ["channels", "voucher", usdcChannel, "--amount", "100.5", ...(json ? ["--json"] : [])];
        expectUsage(
          await inProcess(args, PAYER),
          "--amount 100.5 is above the deposit of 100.0 tUSDC: a voucher cannot claim more than the channel holds; " +
            "top it up first (coffer channels top-up)",
          json,
        );
      }
      expectUsage(
        await inProcess(["channels", "voucher", usdcChannel, "--amount", "1"], STRANGER),
        `your key ${f.address(STRANGER)} is not the channel's signer ${f.address(PAYER)}: the contract would refuse its voucher`,
        false,
      );
    });

    it("redeem pays the payee the voucher's increase; the same voucher again is refused (exit 1)", async function () {
      const signature = await voucher(usdcChannel, "30");
      const before = await f.usdc.balanceOf(f.address(PAYEE));
      const out = ok<{ paid: string; amount: string; channel: ChannelJson }>(
        await f.run(["channels", "redeem", usdcChannel, "--amount", "30", "--signature", signature, "--json"], PAYEE),
      );
      expect(out).to.include({ paid: "30000000", amount: "30000000" });
      expect(out.channel).to.include({ redeemed: "30000000", remaining: "70000000", status: "open" });
      expect((await f.usdc.balanceOf(f.address(PAYEE))) - before).to.equal(30_000_000n);
      const again = refused(
        await f.run(["channels", "redeem", usdcChannel, "--amount", "30", "--signature", signature, "--json"], PAYEE),
        "CofferChannelsVoucherNotNewer",
      );
      expect(again.args).to.deep.equal({ channelId: usdcChannel, amount: "30000000", redeemed: "30000000" });
    });

    it("redeem refuses a voucher signed for another amount (exit 1, decoded)", async function () {
      const signature = await voucher(usdcChannel, "40");
      const error = refused(
        await inProcess(
          ["channels", "redeem", usdcChannel, "--amount", "50", "--signature", signature, "--json"],
          PAYEE,
        ),
        "CofferChannelsInvalidVoucherSignature",
      );
      expect(error.args).to.deep.equal({ channelId: usdcChannel, signer: f.address(PAYER) });
    });

    it("top-up adds to the deposit in token units (payer)", async function () {
      const out = ok<{ amount: string; channel: ChannelJson }>(
        await f.run(["channels", "top-up", usdcChannel, "--amount", "50.25", "--json"], PAYER),
      );
      expect(out.amount).to.equal("50250000");
      expect(out.channel).to.include({ deposit: "150250000", remaining: "120250000" });
      expect((await contract.getChannel(usdcChannel)).deposit).to.equal(150_250_000n);
    });

    it("set-redeemer lets an account redeem for the payee (paid to the payee), and --revoke stops it", async function () {
      const set = ok<Record<string, unknown>>(
        await f.run(["channels", "set-redeemer", f.address(REDEEMER), "--json"], PAYEE),
      );
      expect(set).to.include({ payee: f.address(PAYEE), redeemer: f.address(REDEEMER), allowed: true });
      expect(await contract.isRedeemer(f.address(PAYEE), f.address(REDEEMER))).to.equal(true);
      const signature = await voucher(usdcChannel, "60");
      const before = await f.usdc.balanceOf(f.address(PAYEE));
      const out = ok<{ paid: string }>(
        await f.run(
          ["channels", "redeem", usdcChannel, "--amount", "60", "--signature", signature, "--json"],
          REDEEMER,
        ),
      );
      expect(out.paid).to.equal("30000000");
      expect((await f.usdc.balanceOf(f.address(PAYEE))) - before).to.equal(30_000_000n);
      const revoked = await f.run(["channels", "set-redeemer", f.address(REDEEMER), "--revoke"], PAYEE);
      expect(revoked.stdout).to.contain(`${f.address(REDEEMER)} may no longer redeem or close the channels paying`);
      expect(await contract.isRedeemer(f.address(PAYEE), f.address(REDEEMER))).to.equal(false);
      const next = await voucher(usdcChannel, "70");
      const error = refused(
        await inProcess(["channels", "redeem", usdcChannel, "--amount", "70", "--signature", next, "--json"], REDEEMER),
        "CofferChannelsUnauthorizedCaller",
      );
      expect(error.args).to.deep.equal({ caller: f.address(REDEEMER), expected: f.address(PAYEE) });
    });

    it("close (payee) redeems the last voucher and returns the rest to the payer at once", async function () {
      const signature = await voucher(usdcChannel, "80");
      const [payeeBefore, payerBefore] = await Promise.all([
        f.usdc.balanceOf(f.address(PAYEE)),
        f.usdc.balanceOf(f.address(PAYER)),
      ]);
      const out = ok<{ paid: string; redeemed: string; refunded: string; channel: ChannelJson }>(
        await f.run(["channels", "close", usdcChannel, "--amount", "80", "--signature", signature, "--json"], PAYEE),
      );
      expect(out).to.include({ paid: "20000000", redeemed: "80000000", refunded: "70250000" });
      expect(out.channel).to.include({ status: "closed", deposit: "150250000", redeemed: "80000000", remaining: "0" });
      expect((await f.usdc.balanceOf(f.address(PAYEE))) - payeeBefore).to.equal(20_000_000n);
      expect((await f.usdc.balanceOf(f.address(PAYER))) - payerBefore).to.equal(70_250_000n);
      const text = await f.run(["channels", "show", usdcChannel]);
      expect(text.stdout).to.contain(`Channel ${usdcChannel}: closed`);
      expect(text.stdout).to.match(/remaining\s+0\.0 tUSDC/);
      expect(text.stdout).to.match(/returned to payer\s+70\.25 tUSDC/);
      expectUsage(
        await inProcess(["channels", "voucher", usdcChannel, "--amount", "90"], PAYER),
        `channel ${usdcChannel} is closed: its vouchers are worthless`,
        false,
      );
    });
  });

  describe("an ETH channel with a session key: open, voucher, exit, finish-exit", function () {
    it("open --token ETH sends the deposit as value, with --challenge-period, --signer and --salt", async function () {
      const text = await f.run(
        [
          ...["channels", "open", "--payee", f.address(PAYEE), "--token", "ETH", "--deposit", "1.5"],
          ...["--challenge-period", "15m", "--signer", f.address(SESSION_KEY), "--salt", ethSalt],
        ],
        PAYER,
      );
      expect(text.code, text.stderr).to.equal(0);
      ethChannel = channelIdOf(f.address(PAYER), f.address(PAYEE), ethers.ZeroAddress, ethSalt);
      expect(text.stdout).to.contain(`Opened channel ${ethChannel}`);
      expect(text.stdout).to.match(/deposit\s+1\.5 ETH/);
      expect(text.stdout).to.match(/challenge period\s+15m/);
      expect(text.stdout).to.match(new RegExp(`signer\\s+${f.address(SESSION_KEY)}`));
      const stored = await contract.getChannel(ethChannel);
      expect(stored.deposit).to.equal(ethers.parseEther("1.5"));
      expect(stored.signer).to.equal(f.address(SESSION_KEY));
      expect(await f.local.chain.provider.getBalance(await contract.getAddress())).to.equal(ethers.parseEther("1.5"));
    });

    it("the session key signs the vouchers; the payee redeems one in ETH", async function () {
      expectUsage(
        await inProcess(["channels", "voucher", ethChannel, "--amount", "0.1"], PAYER),
        `your key ${f.address(PAYER)} is not the channel's signer ${f.address(SESSION_KEY)}: the contract would refuse its voucher`,
        false,
      );
      const signature = await voucher(ethChannel, "0.25", SESSION_KEY);
      const out = ok<{ paid: string }>(
        await f.run(["channels", "redeem", ethChannel, "--amount", "0.25", "--signature", signature, "--json"], PAYEE),
      );
      expect(out.paid).to.equal(ethers.parseEther("0.25").toString());
    });

    it("exit (payer) starts the exit and prints when it ends; show says exiting", async function () {
      const out = ok<{ exitAt: string; channel: ChannelJson }>(
        await f.run(["channels", "exit", ethChannel, "--json"], PAYER),
      );
      const stored = await contract.getChannel(ethChannel);
      expect(out.exitAt).to.equal(stored.exitAt.toString());
      expect(out.channel.status).to.equal("exiting");
      const ends = new Date(Number(stored.exitAt) * 1000).toISOString().replace(".000Z", "Z");
      const show = await f.run(["channels", "show", ethChannel]);
      expect(show.stdout).to.contain(`Channel ${ethChannel}: exiting (exit ends ${ends})`);
    });

    it("finish-exit before the end is refused with the end as a UTC date (exit 1), nothing sent", async function () {
      const stored = await contract.getChannel(ethChannel);
      const ends = new Date(Number(stored.exitAt) * 1000).toISOString().replace(".000Z", "Z");
      const sent = await nonceOf(PAYER);
      const error = refused(
        await f.run(["channels", "finish-exit", ethChannel, "--json"], PAYER),
        "CofferChannelsExitNotDue",
      );
      expect(error.message).to.contain(`exitAt ${ends}`);
      expect(error.args.exitAt).to.equal(stored.exitAt.toString());
      expect(await nonceOf(PAYER)).to.equal(sent);
    });

    it("finish-exit after the challenge period returns what no voucher claims to the payer", async function () {
      await f.local.chain.provider.send("evm_increaseTime", [15 * 60 + 1]);
      await f.local.chain.provider.send("evm_mine", []);
      const ended = await inProcess(["channels", "show", ethChannel]);
      expect(ended.stdout).to.match(
        /: exiting \(exit ended .+Z: the payer can finish it with coffer channels finish-exit\)/,
      );
      const before = await f.local.chain.provider.getBalance(f.address(PAYER));
      const out = ok<{ refunded: string; gasUsed: string; transactionHash: string; channel: ChannelJson }>(
        await f.run(["channels", "finish-exit", ethChannel, "--json"], PAYER),
      );
      expect(out.refunded).to.equal(ethers.parseEther("1.25").toString());
      expect(out.channel.status).to.equal("closed");
      const receipt = await f.local.chain.provider.getTransactionReceipt(out.transactionHash);
      const fee = receipt!.gasUsed * receipt!.gasPrice;
      expect((await f.local.chain.provider.getBalance(f.address(PAYER))) - before).to.equal(
        ethers.parseEther("1.25") - fee,
      );
    });
  });

  describe("a credit: a payout that could not be pushed, withdrawn later", function () {
    let token: BlocklistToken;
    let channelId: string;

    before(async function () {
      token = await new BlocklistToken__factory(f.wallet(0)).deploy();
      await token.waitForDeployment();
      await (await token.mint(f.address(PAYER), 10_000_000n)).wait();
    });

    it("a redemption to a blocklisted payee is credited; show lists the credit; withdraw sends it", async function () {
      const address = await token.getAddress();
      channelId = ok<{ channelId: string }>(
        await f.run(
          ["channels", "open", "--payee", f.address(PAYEE), "--token", address, "--deposit", "5", "--json"],
          PAYER,
        ),
      ).channelId;
      const signature = await voucher(channelId, "2");
      await (await token.blocklist(f.address(PAYEE))).wait();
      const out = ok<{ paid: string; credited: string; events: string[] }>(
        await f.run(["channels", "redeem", channelId, "--amount", "2", "--signature", signature, "--json"], PAYEE),
      );
      expect(out).to.include({ paid: "2000000", credited: "2000000" });
      expect(out.events).to.include("PayoutCredited");
      const show = ok<{ credits: Record<string, string> }>(await f.run(["channels", "show", channelId, "--json"]));
      expect(show.credits).to.deep.equal({ payee: "2000000", payer: "0" });
      const text = await f.run(["channels", "show", channelId]);
      expect(text.stdout).to.match(/payee's credit\s+2\.0 USDC-BL/);
      await (await token.unblocklist(f.address(PAYEE))).wait();
      const withdrawn = ok<Record<string, unknown>>(
        await f.run(["channels", "withdraw", "--token", address, "--json"], PAYEE),
      );
      expect(withdrawn).to.include({ token: address, amount: "2000000", to: f.address(PAYEE) });
      expect(await token.balanceOf(f.address(PAYEE))).to.equal(2_000_000n);
      expect(await contract.creditOf(f.address(PAYEE), address)).to.equal(0n);
    });

    it("close without a voucher (payee) returns the whole remaining deposit to the payer", async function () {
      const before = await token.balanceOf(f.address(PAYER));
      const out = ok<{ paid: string; redeemed: string; refunded: string; events: string[] }>(
        await f.run(["channels", "close", channelId, "--json"], PAYEE),
      );
      expect(out).to.include({ paid: "0", redeemed: "2000000", refunded: "3000000" });
      expect(out.events).to.not.include("VoucherRedeemed");
      expect((await token.balanceOf(f.address(PAYER))) - before).to.equal(3_000_000n);
    });

    it("withdraw with no credit is refused (exit 1, decoded)", async function () {
      const error = refused(
        await inProcess(["channels", "withdraw", "--token", "tUSDC", "--json"], PAYEE),
        "CofferChannelsNothingToWithdraw",
      );
      expect(error.args).to.deep.equal({ account: f.address(PAYEE), token: f.usdcAddress });
    });
  });

  describe("input checked before anything is sent (exit 2, house style, JSON under --json)", function () {
    const id = () => usdcChannel;
    const cases: [string, () => string[], number | undefined, string][] = [
      [
        "a malformed channel id",
        () => ["channels", "show", "0x1234"],
        undefined,
        "channel 0x1234 is not a channel id (32 bytes of hex)",
      ],
      [
        "an amount with more decimals than the token",
        () => ["channels", "top-up", id(), "--amount", "1.1234567"],
        PAYER,
        "--amount 1.1234567 has more than the 6 decimals of tUSDC",
      ],
      [
        "an unknown token symbol",
        () => [
          "channels",
          "open",
          "--payee",
          ethers.Wallet.createRandom().address,
          "--token",
          "WETH",
          "--deposit",
          "1",
        ],
        PAYER,
        "",
      ],
      [
        "a challenge period outside the contract's bounds",
        () => [
          "channels",
          "open",
          "--payee",
          f.address(PAYEE),
          "--token",
          "tUSDC",
          "--deposit",
          "1",
          "--challenge-period",
          "5m",
        ],
        PAYER,
        "--challenge-period 5m is outside 15m to 30d",
      ],
      [
        "a zero deposit",
        () => ["channels", "open", "--payee", f.address(PAYEE), "--token", "tUSDC", "--deposit", "0"],
        PAYER,
        "--deposit 0: a channel needs a deposit to pay from",
      ],
      [
        "a malformed salt",
        () => ["channels", "open", "--payee", f.address(PAYEE), "--token", "ETH", "--deposit", "1", "--salt", "0x12"],
        PAYER,
        "--salt 0x12 is not 32 bytes of hex",
      ],
      [
        "a malformed signature",
        () => ["channels", "redeem", id(), "--amount", "1", "--signature", "0xdead"],
        PAYEE,
        "--signature 0xdead is not a voucher signature (65 bytes of hex, from coffer channels voucher)",
      ],
      [
        "--amount without --signature on close",
        () => ["channels", "close", id(), "--amount", "1"],
        PAYEE,
        "give --amount and --signature together (the last voucher), or neither",
      ],
      [
        "a malformed redeemer",
        () => ["channels", "set-redeemer", "0xnope"],
        PAYEE,
        "redeemer 0xnope is not an address",
      ],
      [
        "a missing --amount on voucher",
        () => ["channels", "voucher", id()],
        PAYER,
        "required option '--amount <amount>' not specified",
      ],
    ];
    for (const [what, args, index, message] of cases) {
      it(`refuses ${what}`, async function () {
        const sent = await nonceOf(index ?? PAYER);
        for (const json of [false, true]) {
          const run = await inProcess([...args(), ...(json ? ["--json"] : [])], index);
          if (message === "") {
            // The symbols on offer depend on the manifest: check the start and that it names them.
            expect(run.code).to.equal(2);
            expect(run.stderr).to.match(
              /^coffer: --token WETH is not a token on chain 31337: use ETH, .*tUSDC \(TestUSDC\).* \(see --help\)\n$/,
            );
            if (json) expect(run.json<{ ok: boolean }>().ok).to.equal(false);
          } else {
            expectUsage(run, message, json);
          }
        }
        expect(await nonceOf(index ?? PAYER)).to.equal(sent);
      });
    }

    it("show of a channel that does not exist fails (exit 1) naming it", async function () {
      const missing = ethers.hexlify(ethers.randomBytes(32));
      const run = await inProcess(["channels", "show", missing, "--json"]);
      expect(run.code).to.equal(1);
      expect(run.stderr).to.equal(`coffer: channel ${missing} does not exist on chain 31337\n`);
      expect(run.json()).to.deep.equal({
        ok: false,
        error: { name: "Error", message: `channel ${missing} does not exist on chain 31337` },
      });
    });

    it("--help works on the group and every command", async function () {
      const group = await inProcess(["channels", "--help"]);
      expect(group.code).to.equal(0);
      for (const name of [
        "open",
        "top-up",
        "show",
        "voucher",
        "redeem",
        "close",
        "exit",
        "finish-exit",
        "set-redeemer",
        "withdraw",
      ]) {
        expect(group.stdout, name).to.match(new RegExp(`^  ${name}\\b`, "m"));
        const run = await inProcess(["channels", name, "--help"]);
        expect(run.code, name).to.equal(0);
        expect(run.stdout).to.match(new RegExp(`^Usage: coffer channels ${name}`));
      }
      const top = await inProcess(["--help"]);
      expect(top.stdout).to.match(/^ {2}channels\b/m);
    });
  });
});
