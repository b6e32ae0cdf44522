import { expect } from "chai";
import { startModulesFixture, ok, type ModulesFixture } from "./modules-fixture";
import { cliEnv, runCliInProcess, type CliRun } from "./helpers";

/** A usage error: exit 2, one line on stderr in the house style, and with --json one `ok: false` document. */
function expectUsage(run: CliRun, message: string, json: boolean): void {
  expect(run.code, run.stderr).to.equal(2);
  expect(run.stderr.trimEnd().split("\n"), run.stderr).to.have.length(1);
  expect(run.stderr).to.equal(`coffer: ${message} (see --help)\n`);
  if (json) {
    expect(run.json()).to.deep.equal({ ok: false, error: { name: "UsageError", message } });
  } else {
    expect(run.stdout).to.equal("");
  }
}

describe("cli: usage errors in the house style, and tokens by the symbol the CLI prints", function () {
  this.timeout(120_000);

  describe("the parser's own errors", function () {
    const env = cliEnv({});
    const cases: [string, string[], string][] = [
      [
        "an unknown command, with a suggestion",
        ["escrow", "captur"],
        "unknown command 'captur' (Did you mean capture?)",
      ],
      ["an unknown option", ["deployments", "--nope"], "unknown option '--nope'"],
      [
        "a missing required option",
        ["invoice", "create", "--amount", "1"],
        "required option '--token <token>' not specified",
      ],
      ["a missing argument", ["invoice", "pay"], "missing required argument 'invoice'"],
    ];
    for (const [what, args, message] of cases) {
      it(`${what}: one line, exit 2, and JSON under --json`, async function () {
        expectUsage(await runCliInProcess(args, env), message, false);
        expectUsage(await runCliInProcess([...args, "--json"], env), message, true);
      });
    }
  });

  describe("--token", function () {
    let f: ModulesFixture;
    before(async function () {
      f = await startModulesFixture("usage");
    });
    after(async function () {
      await f?.stop();
    });

    it("takes the symbol the CLI prints, in any letter case, as it takes the manifest's name", async function () {
      for (const token of ["tUSDC", "tusdc", "TestUSDC", f.usdcAddress]) {
        const created = ok<{ invoice: { token: string; amount: string } }>(
          await f.run(
            [
              "invoice",
              "create",
              "--token",
              token,
              "--amount",
              "2.5",
              "--reference",
              "SYM-1",
              "--out",
              f.file(`${token}.json`),
              "--json",
            ],
            7,
          ),
        );
        expect(created.invoice.token, token).to.equal(f.usdcAddress);
        expect(created.invoice.amount, token).to.equal("2500000");
      }
    });

    it("refuses expiries that cannot work before anything is sent, and warns of a payee without a checksum", async function () {
      await (await f.usdc.mint(f.address(5), 100_000_000n)).wait();
      const authorize = (extra: string[], payee = f.address(7)) =>
        f.run(
          [
            ...["escrow", "authorize", "--payee", payee, "--token", "tUSDC", "--amount", "1"],
            ...["--out", f.file(`p-${extra.join("")}-${payee.slice(2, 6)}.json`), ...extra],
          ],
          5,
        );
      const before = await f.local.chain.provider.getBlockNumber();
      const cases: [string[], string][] = [
        [
          ["--authorization-expiry", "2"],
          "--authorization-expiry 2 is 2 seconds from now: the payment could not be captured in time; give at least 1m",
        ],
        [
          ["--pre-approval-expiry", "2h", "--authorization-expiry", "1h"],
          "--authorization-expiry 1h ends before --pre-approval-expiry 2h: funds could be authorized after they can no longer be captured",
        ],
        [
          ["--refund-expiry", "1d", "--authorization-expiry", "2d"],
          "--refund-expiry 1d ends before --authorization-expiry 2d: funds could be captured after they can no longer be refunded",
        ],
      ];
      for (const [extra, message] of cases) {
        const run = await authorize(extra);
        expect(run.code, run.stderr).to.equal(2);
        expect(run.stderr).to.equal(`coffer: ${message} (see --help)\n`);
      }
      expect(await f.local.chain.provider.getBlockNumber(), "nothing was sent").to.equal(before);

      const lower = f.address(7).toLowerCase();
      const warned = await authorize(["--json"], lower);
      expect(warned.code, warned.stderr).to.equal(0);
      expect(warned.stderr).to.contain(
        `coffer: warning: --payee ${lower} has no checksum (one letter case), so a mistyped character would not be caught; check it against ${f.address(7)}`,
      );
      expect(warned.json<{ payment: { payee: string } }>().payment.payee).to.equal(f.address(7));
      const checksummed = await authorize(["--json"]);
      expect(checksummed.stderr).to.not.contain("warning");
    });

    it("refuses a token it does not know, listing the names it accepts", async function () {
      const run = await f.run(
        ["invoice", "create", "--token", "WETH", "--amount", "1", "--reference", "X", "--out", f.file("x.json")],
        7,
      );
      expect(run.code).to.equal(2);
      expect(run.stderr).to.match(
        /^coffer: --token WETH is not a token on chain 31337: use ETH, (tUSDC \(TestUSDC\), tDAI \(TestDAI\)|tDAI \(TestDAI\), tUSDC \(TestUSDC\)), a token address \(see --help\)\n$/,
      );
      const short = await f.run(
        ["invoice", "create", "--token", "0x1234", "--amount", "1", "--reference", "X", "--out", f.file("y.json")],
        7,
      );
      expect(short.stderr).to.contain("--token 0x1234 is not a token on chain 31337");
    });
  });
});
