/**
 * Payment channels for the end-to-end suite (`e2e.ts`): {@link driveChannels} plays channels on the local chain
 * after the scenario, and {@link itIndexesChannels} checks what the indexer made of them against the chain.
 */
import { expect } from "chai";
import { ethers } from "ethers";
import { CofferChannels__factory, MockERC20__factory, RevertingReceiver__factory } from "../../typechain-types";
import { readManifest } from "../../deploy/manifest";
import type { RunningIndexer } from "../../scripts/lib/indexer-process";
import { CHANNEL_STATUSES, createIndexerClient } from "../../sdk/src/indexer";
import { signVoucher } from "../../sdk/src/channels/vouchers";
import { advanceTime, ROLES, wallet } from "./drive";
import { allRows, expectServedValue, gql } from "./helpers";

const lc = (value: string) => value.toLowerCase();
/** The contract's shortest challenge period, in seconds. */
const CHALLENGE = 15 * 60;

async function mined(response: Promise<ethers.ContractTransactionResponse>): Promise<ethers.TransactionReceipt> {
  const receipt = await (await response).wait();
  if (receipt === null || receipt.status !== 1) throw new Error("transaction failed");
  return receipt;
}

function channelsAddress(deploymentsDir: string): string {
  const address = readManifest(deploymentsDir, 31337)?.contracts["CofferChannels"]?.address;
  if (address === undefined) throw new Error("CofferChannels is not deployed");
  return address;
}

/**
 * Channels through every step: a TestUSDC channel topped up, redeemed twice, in a `redeemMany` with one voucher
 * skipped (not newer), then closed by the payee; an ETH channel redeemed in that `redeemMany` and left by the
 * payer's exit after the challenge period; a TestDAI channel whose exit is still running; and an ETH channel to a
 * payee that rejects ETH, whose payouts are credited, one credit withdrawn and one left.
 */
export async function driveChannels(options: { rpcUrl: string; deploymentsDir: string }): Promise<void> {
  const provider = new ethers.JsonRpcProvider(options.rpcUrl, undefined, { staticNetwork: true, cacheTimeout: -1 });
  try {
    const manifest = readManifest(options.deploymentsDir, 31337);
    const token = (name: string) => manifest?.contracts[name]?.address ?? "";
    const address = channelsAddress(options.deploymentsDir);
    const deployer = wallet(provider, ROLES.keeper);
    const payer = wallet(provider, ROLES.alice);
    const other = wallet(provider, ROLES.bob);
    const payee = wallet(provider, ROLES.merchant);
    const sessionKey = ethers.Wallet.createRandom();
    const channels = CofferChannels__factory.connect(address, provider);
    const domain = { chainId: 31337, channels: address };
    const voucher = async (channelId: string, amount: bigint) => signVoucher(sessionKey, { channelId, amount }, domain);
    const usdc = MockERC20__factory.connect(token("TestUSDC"), deployer);
    const dai = MockERC20__factory.connect(token("TestDAI"), deployer);
    const usd = (amount: string) => ethers.parseUnits(amount, 6);
    const eth = (amount: string) => ethers.parseEther(amount);

    await mined(usdc.mint(payer.address, usd("200")));
    await mined(usdc.connect(payer).approve(address, ethers.MaxUint256));
    await mined(dai.mint(payer.address, eth("10")));
    await mined(dai.connect(payer).approve(address, ethers.MaxUint256));

    const open = async (from: ethers.Wallet, to: string, tokenAddress: string, amount: bigint, salt: string) => {
      const value = tokenAddress === ethers.ZeroAddress ? amount : 0n;
      await mined(
        channels
          .connect(from)
          .open(to, tokenAddress, sessionKey.address, amount, CHALLENGE, ethers.id(salt), { value }),
      );
      return channels.channelIdOf(from.address, to, tokenAddress, ethers.id(salt));
    };

    const tokenChannel = await open(payer, payee.address, usdc.target as string, usd("100"), "token");
    const ethChannel = await open(other, payee.address, ethers.ZeroAddress, eth("1"), "eth");
    await mined(channels.connect(payer).topUp(tokenChannel, usd("20")));
    await mined(channels.connect(payee).redeem(tokenChannel, usd("10"), await voucher(tokenChannel, usd("10"))));
    await mined(channels.connect(payee).redeem(tokenChannel, usd("25"), await voucher(tokenChannel, usd("25"))));
    await mined(
      channels.connect(payee).redeemMany([
        { channelId: ethChannel, amount: eth("0.3"), signature: await voucher(ethChannel, eth("0.3")) },
        { channelId: tokenChannel, amount: usd("20"), signature: await voucher(tokenChannel, usd("20")) },
      ]),
    );
    await mined(channels.connect(other).startExit(ethChannel));
    await advanceTime(provider, CHALLENGE + 1);
    await mined(channels.connect(other).finishExit(ethChannel));
    await mined(channels.connect(payee).close(tokenChannel, usd("40"), await voucher(tokenChannel, usd("40"))));

    const exiting = await open(payer, payee.address, dai.target as string, eth("10"), "exiting");
    await mined(channels.connect(payer).startExit(exiting));

    // A payee that rejects ETH: its payouts are credited; it withdraws the first credit elsewhere, keeps the second.
    const receiver = await new RevertingReceiver__factory(deployer).deploy();
    await receiver.waitForDeployment();
    const hostile = await receiver.getAddress();
    const asReceiver = async (data: string) => mined(receiver.connect(deployer).execute(address, 0n, data));
    const credited = await open(payer, hostile, ethers.ZeroAddress, eth("0.5"), "credited");
    const iface = channels.interface;
    await asReceiver(iface.encodeFunctionData("redeem", [credited, eth("0.2"), await voucher(credited, eth("0.2"))]));
    await asReceiver(iface.encodeFunctionData("withdraw", [ethers.ZeroAddress, ethers.Wallet.createRandom().address]));
    await asReceiver(iface.encodeFunctionData("close", [credited, eth("0.3"), await voucher(credited, eth("0.3"))]));
  } finally {
    provider.destroy();
  }
}

/** The contract's `ChannelStatus` by number, as the indexer serves it (`exiting`: open with an exit started). */
function servedStatus(status: bigint, exitAt: bigint): string {
  if (status === 2n) return "closed";
  return exitAt === 0n ? "open" : "exiting";
}

const STEP_KINDS: Readonly<Record<string, string>> = {
  ChannelOpened: "opened",
  ChannelToppedUp: "topped_up",
  VoucherRedeemed: "redeemed",
  RedemptionSkipped: "redemption_skipped",
  ExitStarted: "exit_started",
  ChannelClosed: "closed",
};

/** The `it`s of this file, for the suite that set up `context()` after {@link driveChannels}. */
export function itIndexesChannels(
  context: () => { indexer: RunningIndexer; provider: ethers.JsonRpcProvider; deploymentsDir: string; head: number },
): void {
  it("serves every payment channel equal to getChannel, and its steps equal to the channel's logs", async function () {
    const { indexer, provider, deploymentsDir, head } = context();
    const address = channelsAddress(deploymentsDir);
    const channels = CofferChannels__factory.connect(address, provider);
    const at = { blockTag: head };
    const logs = (await provider.getLogs({ address, fromBlock: 0, toBlock: head }))
      .map((log) => ({ log, parsed: channels.interface.parseLog(log) }))
      .filter((entry) => entry.parsed !== null) as { log: ethers.Log; parsed: ethers.LogDescription }[];
    const opened = logs.filter((entry) => entry.parsed.name === "ChannelOpened");
    const rows = await allRows<{
      id: string;
      payer: string;
      payee: string;
      token: string;
      signer: string;
      deposit: string;
      redeemed: string;
      refunded: string;
      challengePeriod: number;
      status: string;
      exitAt: string | null;
      closedBy: string | null;
    }>(
      indexer,
      "channels",
      "id payer payee token signer deposit redeemed refunded challengePeriod status exitAt closedBy",
      { where: "{ chainId: 31337 }" },
    );
    expect(rows.map((row) => row.id).sort()).to.deep.equal(opened.map((entry) => lc(entry.parsed.args[0])).sort());
    const statuses = new Set<string>();
    for (const row of rows) {
      const c = await channels.getChannel(row.id, at);
      const closed = logs.find((entry) => entry.parsed.name === "ChannelClosed" && lc(entry.parsed.args[0]) === row.id);
      expectServedValue(row.status, CHANNEL_STATUSES, `status of channel ${row.id}`);
      statuses.add(row.status);
      expect(row, `channel ${row.id}`).to.deep.equal({
        id: row.id,
        payer: lc(c.payer),
        payee: lc(c.payee),
        token: lc(c.token),
        signer: lc(c.signer),
        deposit: c.deposit.toString(),
        redeemed: c.redeemed.toString(),
        refunded: (closed?.parsed.args[3] ?? 0n).toString(),
        challengePeriod: Number(c.challengePeriod),
        status: servedStatus(c.status, c.exitAt),
        exitAt: c.exitAt === 0n ? null : c.exitAt.toString(),
        closedBy: closed === undefined ? null : lc(closed.parsed.args[1]),
      });

      // Its steps: one per log of the channel, in order, a payout credited where a PayoutCredited preceded it.
      const { channel } = await gql<{
        channel: { steps: { items: { kind: string; amount: string; credited: boolean; reasonName: string | null }[] } };
      }>(
        indexer,
        `query ($id: String!) { channel(chainId: 31337, id: $id) {
           steps(orderBy: "id") { items { kind amount credited reasonName } } } }`,
        { id: row.id },
      );
      const expected = logs
        .map((entry, index) => ({ ...entry, previous: logs[index - 1] }))
        .filter((entry) => STEP_KINDS[entry.parsed.name] !== undefined && lc(entry.parsed.args[0]) === row.id)
        .map(({ log, parsed, previous }) => ({
          kind: STEP_KINDS[parsed.name],
          credited:
            previous?.parsed.name === "PayoutCredited" &&
            previous.log.transactionHash === log.transactionHash &&
            previous.log.index === log.index - 1,
          reasonName: parsed.name === "RedemptionSkipped" ? "voucher_not_newer" : null,
        }));
      expect(
        channel.steps.items.map(({ kind, credited, reasonName }) => ({ kind, credited, reasonName })),
        `steps of channel ${row.id}`,
      ).to.deep.equal(expected);
    }
    expect([...statuses].sort()).to.deep.equal(["closed", "exiting"]);
    const kinds = new Set(logs.map((entry) => entry.parsed.name));
    for (const name of [...Object.keys(STEP_KINDS), "PayoutCredited", "CreditWithdrawn"]) {
      expect(kinds, `the drive emits ${name}`).to.include(name);
    }
  });

  it("serves channels through the SDK's indexer client: one with its steps, a payee's by status, paged", async function () {
    const { indexer, provider, deploymentsDir, head } = context();
    const client = createIndexerClient({ url: indexer.url });
    const channels = CofferChannels__factory.connect(channelsAddress(deploymentsDir), provider);
    const all = await allRows<{ id: string; payee: string; status: string }>(indexer, "channels", "id payee status");
    for (const row of all) {
      const read = await client.channel(31337, row.id.toUpperCase().replace("0X", "0x"));
      const c = await channels.getChannel(row.id, { blockTag: head });
      expect(read?.id).to.equal(row.id);
      expect([read?.deposit, read?.redeemed, read?.status]).to.deep.equal([
        c.deposit,
        c.redeemed,
        servedStatus(c.status, c.exitAt),
      ]);
      expect(read?.steps[0]?.kind).to.equal("opened");
      expect(read?.redemptions).to.equal(read?.steps.filter((step) => step.kind === "redeemed").length);
    }
    expect(await client.channel(31337, ethers.ZeroHash)).to.equal(null);
    // The payee of the most closed channels (the merchant: the token and the ETH channel), read a row a page.
    const closedOf = (payee: string) => all.filter((row) => row.payee === payee && row.status === "closed");
    const payee = [...all].sort((a, b) => closedOf(b.payee).length - closedOf(a.payee).length)[0]?.payee ?? "";
    const closed = closedOf(payee).map((row) => row.id);
    const pages: string[] = [];
    let after: string | undefined;
    for (;;) {
      const page = await client.channels(31337, { payee, status: "closed" }, { limit: 1, after });
      pages.push(...page.items.map((item) => item.id));
      if (!page.hasNextPage || page.endCursor === null) break;
      after = page.endCursor;
    }
    expect(pages.sort()).to.deep.equal(closed.sort());
    expect(closed.length).to.be.greaterThan(1);
  });

  it("gives each channel movement its meaning; ETH credited is not shown as paid, so the contract's ETH rows sum to its balance", async function () {
    const { indexer, provider, deploymentsDir, head } = context();
    const address = lc(channelsAddress(deploymentsDir));
    const rows = await allRows<{ account: string; kind: string; token: string | null; amount: string }>(
      indexer,
      "activitys",
      "account kind token amount",
      { where: `{ chainId: 31337, account: "${address}" }` },
    );
    const ethSum = rows
      .filter((row) => row.token === ethers.ZeroAddress)
      .reduce((sum, row) => sum + BigInt(row.amount), 0n);
    expect(ethSum.toString(), "ETH activity of the channels contract").to.equal(
      (await provider.getBalance(address, head)).toString(),
    );
    expect(
      rows.filter((row) => row.kind === "transfer"),
      "every token movement has a channel meaning",
    ).to.deep.equal([]);
    const kinds = new Set(rows.map((row) => row.kind));
    for (const kind of ["channel_deposit", "channel_redeemed", "channel_refund", "credit_withdrawn"]) {
      expect(kinds, kind).to.include(kind);
    }
    const { activitys } = await gql<{ activitys: { items: { kind: string; amount: string }[] } }>(
      indexer,
      `{ activitys(where: { chainId: 31337, kind_in: ["channel_exit_started", "channel_redemption_skipped", "channel_closed", "payout_credited"] }, limit: 100) { items { kind amount } } }`,
    );
    expect(new Set(activitys.items.map((row) => row.kind)).size).to.equal(4);
    expect(activitys.items.every((row) => row.amount === "0")).to.equal(true);
  });

  it("announces channel events to the payee, with the channel's parties and amounts in token units", async function () {
    const { indexer, head } = context();
    const response = await fetch(`${indexer.url}/webhooks/events?fromBlock=0&toBlock=${head}&limit=5000`);
    const body = (await response.json()) as { events: { type: string; data: Record<string, unknown> }[] };
    const events = body.events.filter((event) => event.type.startsWith("channel."));
    expect(new Set(events.map((event) => event.type))).to.deep.equal(
      new Set(["channel.opened", "channel.topped_up", "channel.redeemed", "channel.exit_started", "channel.closed"]),
    );
    const channels = await allRows<{ id: string; payer: string; payee: string }>(indexer, "channels", "id payer payee");
    for (const event of events) {
      const c = channels.find((row) => row.id === event.data["channelId"]);
      expect(c, `${event.type} names an indexed channel`).to.not.equal(undefined);
      expect(event.data["payee"]).to.equal(c?.payee);
      expect(event.data["merchant"]).to.equal(c?.payee);
      expect(event.data["payer"]).to.equal(c?.payer);
    }
    const redeemed = events.filter((event) => event.type === "channel.redeemed");
    expect(redeemed.map((event) => [event.data["amount"], event.data["credited"]])).to.deep.include.members([
      ["10", false],
      ["15", false],
      ["0.3", false],
      ["0.2", true],
    ]);
    const closed = events.filter((event) => event.type === "channel.closed").map((event) => event.data["refunded"]);
    expect(closed).to.have.members(["0.7", "80", "0.2"]);
  });
}
