import { spawn } from "node:child_process";
import path from "node:path";
import { expect } from "chai";
import { newSecret } from "../../cli/webhooks/ids";
import { cliEnv, runCli, runCliInProcess } from "../cli/helpers";
import { startFakeIndexer, type FakeIndexer } from "./fake-indexer";
import { KEYS, startHarness, type Harness } from "./harness";
import { startReceiver, until, type Receiver } from "./receiver";

const BIN = path.join(__dirname, "..", "..", "bin", "coffer.js");

describe("cli: coffer webhooks and coffer listen", function () {
  const receivers: Receiver[] = [];
  afterEach(async function () {
    for (const receiver of receivers.splice(0)) await receiver.close();
  });

  describe("coffer webhooks add, list, disable, deliveries against a running service", function () {
    let harness: Harness;
    before(async function () {
      harness = await startHarness();
    });
    after(async function () {
      await harness.stop();
    });
    const env = () => cliEnv({ COFFER_WEBHOOKS_URL: harness.service.url, COFFER_WEBHOOKS_API_KEY: KEYS.alice });

    it("refuses a malformed URL and an unknown event type as usage errors, before any request", async function () {
      const badUrl = await runCliInProcess(["webhooks", "add", "ftp://127.0.0.1/x"], env());
      expect(badUrl.code).to.equal(2);
      expect(badUrl.stderr).to.contain("url: ftp://127.0.0.1/x is not an http(s) URL");
      const badType = await runCliInProcess(
        ["webhooks", "add", "http://127.0.0.1:9/x", "--events", "payment.stolen"],
        env(),
      );
      expect(badType.code).to.equal(2);
      expect(badType.stderr).to.contain('unknown event type "payment.stolen"');
      const noKey = await runCliInProcess(["webhooks", "list"], cliEnv({ COFFER_WEBHOOKS_URL: harness.service.url }));
      expect(noKey.code).to.equal(2);
      expect(noKey.stderr).to.contain("COFFER_WEBHOOKS_API_KEY");
    });

    it("registers an endpoint with filters, lists it, disables it and shows its deliveries", async function () {
      const hooks = await startReceiver([]);
      receivers.push(hooks);
      const payee = "0x" + "11".repeat(20);
      const added = await runCliInProcess(
        ["webhooks", "add", hooks.url, "--events", "payment.captured", "--payee", payee, "--json"],
        env(),
      );
      expect(added.code, added.stderr).to.equal(0);
      const { endpoint } = added.json<{ endpoint: { id: string; secret: string; filters: { payee: string[] } } }>();
      expect(endpoint.filters.payee).to.deep.equal([payee]);
      hooks.secrets.push(endpoint.secret);
      const event = harness.indexer.add("payment.captured", 3);
      await until(() => hooks.acceptedIds().length === 1, "the delivery");
      const listed = await runCliInProcess(["webhooks", "list"], env());
      expect(listed.stdout).to.contain(`${endpoint.id}  enabled   ${hooks.url}`);
      const log = await runCliInProcess(["webhooks", "deliveries", endpoint.id], env());
      expect(log.stdout).to.match(new RegExp(`succeeded payment.captured ${event.id}\\n  \\S+  204  \\d+ ms`));
      const disabled = await runCliInProcess(["webhooks", "disable", endpoint.id], env());
      expect(disabled.stdout).to.contain("disabled: disabled by its owner");
      const missing = await runCliInProcess(["webhooks", "get", "ep_000000000000000000000000"], env());
      expect(missing.code).to.equal(1);
      expect(missing.stderr).to.contain("answered 404: no endpoint ep_000000000000000000000000");
    });
  });

  it("coffer webhooks trigger sends a signed sample that the receiver verifies", async function () {
    const secret = newSecret();
    const hooks = await startReceiver([secret]);
    receivers.push(hooks);
    const run = await runCli(
      ["webhooks", "trigger", "payment.captured", "--forward-to", hooks.url, "--secret", secret],
      cliEnv({}),
    );
    expect(run.code, run.stderr).to.equal(0);
    expect(hooks.rejected).to.deep.equal([]);
    expect(hooks.received).to.have.length(1);
    expect(hooks.received[0]!.event.type).to.equal("payment.captured");
    expect(run.stdout).to.match(new RegExp(`^→ payment.captured ${hooks.received[0]!.id} 204 \\d+ ms\\n$`));
  });

  it("coffer listen --forward-to follows the indexer and forwards each event, signed with the secret it prints", async function () {
    let indexer: FakeIndexer | undefined;
    const child = { kill: () => undefined as unknown } as { kill: (signal?: NodeJS.Signals) => unknown };
    try {
      indexer = await startFakeIndexer();
      indexer.add("payment.authorized", 1); // before listen starts: not forwarded
      const hooks = await startReceiver([]);
      receivers.push(hooks);
      const listen = spawn(
        process.execPath,
        [BIN, "listen", "--forward-to", hooks.url, "--indexer", indexer.url, "--poll-ms", "50"],
        {
          env: cliEnv({}),
          stdio: ["ignore", "pipe", "pipe"],
        },
      );
      child.kill = (signal) => listen.kill(signal);
      let stdout = "";
      let stderr = "";
      listen.stdout.on("data", (chunk: Buffer) => (stdout += chunk.toString()));
      listen.stderr.on("data", (chunk: Buffer) => (stderr += chunk.toString()));
      await until(() => /Signing secret: (whsec_\S+)/.test(stdout), `the secret line (${stderr})`, 30_000);
      hooks.secrets.push(/Signing secret: (whsec_\S+)/.exec(stdout)![1]!);
      const events = [indexer.add("payment.captured", 2), indexer.add("invoice.paid", 3)];
      await until(() => hooks.acceptedIds().length === 2, `both forwarded (${stdout} ${stderr})`);
      expect(hooks.acceptedIds()).to.deep.equal(events.map((event) => event.id));
      expect(hooks.rejected).to.deep.equal([]);
      await until(() => stdout.includes(`→ invoice.paid ${events[1]!.id} 204`), "the line of the second");
      expect(stdout).to.match(new RegExp(`→ payment.captured ${events[0]!.id} 204 \\d+ ms`));
      const exited = new Promise((resolve) => listen.once("exit", resolve));
      listen.kill("SIGTERM");
      expect(await exited).to.equal(0);
    } finally {
      child.kill("SIGKILL");
      await indexer?.close();
    }
  });
});
