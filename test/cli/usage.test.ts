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
