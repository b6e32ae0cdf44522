import { expect } from "chai";
import fc from "fast-check";
import { ethers } from "ethers";
import hre from "hardhat";
import { channelIdOf, signVoucher } from "../../sdk/src/channels";
import type { ChannelsDomain } from "../../sdk/src/channels/vouchers";
import type { BlocklistToken, CofferChannels } from "../../typechain-types";

/**
 * Channel invariants, model-based: random sequences of opens, top-ups, vouchers, redemptions (alone and in
 * batches, with stale, over-deposit and foreign vouchers among them), payee closes, exits, credits withdrawn, a
 * payee blocklisted and time passing, by two payers and two payees, in ETH and a blocklist token. After every step
 * the chain must equal the model, and:
 * 1. solvency: for each token, the contract holds exactly Σ (deposit − redeemed) over open channels + Σ credits;
 * 2. a payee never gets more than the latest voucher: each channel's `redeemed` ≤ the highest amount its signer
 *    signed, and each payee's receipts (paid + credited) = Σ redeemed over its channels;
 * 3. a payer never loses more than it signed: each payer's net outflow = Σ redeemed over its channels;
 * 4. every call the model says must fail reverts, and every call it says must work does.
 */

const SEED = Number(process.env.INVARIANT_SEED ?? 2026);
const RUNS = Number(process.env.INVARIANT_RUNS ?? 60);
const HOUR = 3_600;
const UNIT = 1_000n;

type Action =
  | { kind: "open"; payer: number; payee: number; eth: boolean; units: number; hours: number }
  | { kind: "topUp"; channel: number; units: number }
  | { kind: "sign"; channel: number; units: number }
  | { kind: "redeem"; channel: number; voucher: "latest" | "stale" | "overDeposit" | "foreign" }
  | { kind: "redeemMany"; channels: number[] }
  | { kind: "close"; channel: number; withVoucher: boolean }
  | { kind: "startExit"; channel: number }
  | { kind: "finishExit"; channel: number }
  | { kind: "withdraw"; account: number }
  | { kind: "blocklist"; payee: number; on: boolean }
  | { kind: "wait"; seconds: number };

const index = fc.nat(7);
const actionArbitrary: fc.Arbitrary<Action> = fc.oneof(
  {
    weight: 3,
    arbitrary: fc.record({
      kind: fc.constant("open" as const),
      payer: fc.nat(1),
      payee: fc.nat(1),
      eth: fc.boolean(),
      units: fc.integer({ min: 1, max: 50 }),
      hours: fc.integer({ min: 1, max: 48 }),
    }),
  },
  {
    weight: 1,
    arbitrary: fc.record({
      kind: fc.constant("topUp" as const),
      channel: index,
      units: fc.integer({ min: 1, max: 20 }),
    }),
  },
  {
    weight: 4,
    arbitrary: fc.record({
      kind: fc.constant("sign" as const),
      channel: index,
      units: fc.integer({ min: 1, max: 30 }),
    }),
  },
  {
    weight: 4,
    arbitrary: fc.record({
      kind: fc.constant("redeem" as const),
      channel: index,
      voucher: fc.constantFrom(
        "latest" as const,
        "latest" as const,
        "stale" as const,
        "overDeposit" as const,
        "foreign" as const,
      ),
    }),
  },
  {
    weight: 2,
    arbitrary: fc.record({
      kind: fc.constant("redeemMany" as const),
      channels: fc.array(index, { minLength: 1, maxLength: 4 }),
    }),
  },
  {
    weight: 1,
    arbitrary: fc.record({ kind: fc.constant("close" as const), channel: index, withVoucher: fc.boolean() }),
  },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant("startExit" as const), channel: index }) },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant("finishExit" as const), channel: index }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant("withdraw" as const), account: fc.nat(3) }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant("blocklist" as const), payee: fc.nat(1), on: fc.boolean() }) },
  {
    weight: 2,
    arbitrary: fc.record({ kind: fc.constant("wait" as const), seconds: fc.integer({ min: 1, max: 30 * HOUR }) }),
  },
);

interface ModelChannel {
  id: string;
  payer: number;
  payee: number;
  token: string;
  deposit: bigint;
  redeemed: bigint;
  /** The highest cumulative amount the signer has signed (and its signature). */
  signed: bigint;
  signature: string;
  stale?: { amount: bigint; signature: string };
  challenge: bigint;
  exitAt: bigint;
  open: boolean;
}

async function world() {
  const signers = await hre.ethers.getSigners();
  const [deployer, payerA, payerB, payeeA, payeeB, redeemer] = signers.slice(10, 16) as ethers.Signer[] as [
    ethers.Signer,
    ethers.Signer,
    ethers.Signer,
    ethers.Signer,
    ethers.Signer,
    ethers.Signer,
  ];
  const channels = (await hre.ethers.deployContract("CofferChannels", [], deployer)) as unknown as CofferChannels;
  const token = (await hre.ethers.deployContract("BlocklistToken", [], deployer)) as unknown as BlocklistToken;
  const channelsAddress = await channels.getAddress();
  for (const payer of [payerA, payerB]) {
    await token.mint(await payer.getAddress(), 1_000_000n * UNIT);
    await token.connect(payer).approve(channelsAddress, ethers.MaxUint256);
  }
  for (const payee of [payeeA, payeeB]) await channels.connect(payee).setRedeemer(await redeemer.getAddress(), true);
  const domain: ChannelsDomain = {
    chainId: (await hre.ethers.provider.getNetwork()).chainId,
    channels: channelsAddress,
  };
  return {
    channels,
    token,
    tokenAddress: await token.getAddress(),
    channelsAddress,
    payers: [payerA, payerB],
    payees: [payeeA, payeeB],
    redeemer,
    keys: [ethers.Wallet.createRandom(), ethers.Wallet.createRandom()],
    stranger: ethers.Wallet.createRandom(),
    domain,
  };
}
type World = Awaited<ReturnType<typeof world>>;

const ETH = ethers.ZeroAddress;

async function runScenario(w: World, actions: Action[]) {
  const model: ModelChannel[] = [];
  const gas = new Map<string, bigint>();
  const addressOf = async (s: ethers.Signer) => s.getAddress();
  const payers = await Promise.all(w.payers.map(addressOf));
  const payees = await Promise.all(w.payees.map(addressOf));
  const accounts = [...payers, ...payees];
  const blocked = new Set<string>();
  const balance = (token: string, account: string) =>
    token === ETH ? hre.ethers.provider.getBalance(account) : w.token.balanceOf(account);
  const start = new Map<string, bigint>();
  for (const token of [ETH, w.tokenAddress])
    for (const a of accounts) start.set(`${token}:${a}`, await balance(token, a));
  let salt = 0;

  /** Sends a call that must work (`expectOk`) or must revert; records the gas its sender paid. */
  async function send(
    sender: ethers.Signer,
    expectOk: boolean,
    label: string,
    call: () => Promise<ethers.ContractTransactionResponse>,
  ) {
    const from = await sender.getAddress();
    const ethBefore = await hre.ethers.provider.getBalance(from);
    let tx: ethers.ContractTransactionResponse | undefined;
    try {
      tx = await call();
    } catch (error) {
      expect(expectOk, `${label}: reverted but should work: ${String(error).slice(0, 300)}`).to.equal(false);
      // Hardhat mines a reverting transaction: its sender paid the gas, and nothing else moved.
      const spent = ethBefore - (await hre.ethers.provider.getBalance(from));
      gas.set(from, (gas.get(from) ?? 0n) + spent);
      return false;
    }
    const receipt = await tx.wait();
    expect(expectOk, `${label}: worked but should revert`).to.equal(true);
    gas.set(from, (gas.get(from) ?? 0n) + receipt!.gasUsed * receipt!.gasPrice);
    return true;
  }
  const now = async () => BigInt((await hre.ethers.provider.getBlock("latest"))!.timestamp);
  /** Whether a redemption of `amount` by the redeemer would work at the next block. */
  const redeemable = async (c: ModelChannel, amount: bigint, good: boolean) =>
    c.open && good && amount <= c.deposit && amount > c.redeemed && (c.exitAt === 0n || (await now()) + 1n < c.exitAt);
  const pay = (c: ModelChannel, to: "payee" | "payer", amount: bigint) => {
    if (amount === 0n) return;
    const account = to === "payee" ? payees[c.payee]! : payers[c.payer]!;
    if (c.token !== ETH && blocked.has(account))
      credits.set(`${c.token}:${account}`, (credits.get(`${c.token}:${account}`) ?? 0n) + amount);
    else paid.set(`${c.token}:${account}`, (paid.get(`${c.token}:${account}`) ?? 0n) + amount);
  };
  const credits = new Map<string, bigint>();
  const paid = new Map<string, bigint>();

  for (const action of actions) {
    const c =
      action.kind !== "open" && "channel" in action ? model[action.channel % Math.max(model.length, 1)] : undefined;
    switch (action.kind) {
      case "open": {
        const token = action.eth ? ETH : w.tokenAddress;
        const deposit = BigInt(action.units) * UNIT;
        const s = ethers.toBeHex(++salt, 32);
        const payer = w.payers[action.payer]!;
        const key = w.keys[action.payer]!;
        await send(payer, true, "open", () =>
          w.channels
            .connect(payer)
            .open(payees[action.payee]!, token, key.address, deposit, BigInt(action.hours) * 3_600n, s, {
              value: token === ETH ? deposit : 0n,
            }),
        );
        model.push({
          id: channelIdOf(payers[action.payer]!, payees[action.payee]!, token, s),
          payer: action.payer,
          payee: action.payee,
          token,
          deposit,
          redeemed: 0n,
          signed: 0n,
          signature: "0x",
          challenge: BigInt(action.hours) * 3_600n,
          exitAt: 0n,
          open: true,
        });
        break;
      }
      case "topUp": {
        if (c === undefined) break;
        const amount = BigInt(action.units) * UNIT;
        const ok = c.open && c.exitAt === 0n;
        const payer = w.payers[c.payer]!;
        if (
          await send(payer, ok, "topUp", () =>
            w.channels.connect(payer).topUp(c.id, amount, { value: c.token === ETH ? amount : 0n }),
          )
        )
          c.deposit += amount;
        break;
      }
      case "sign": {
        if (c === undefined) break;
        // The signer signs the next cumulative amount, sometimes beyond the deposit (a voucher worth nothing yet).
        const amount = c.signed + BigInt(action.units) * UNIT;
        if (c.signed > 0n) c.stale = { amount: c.signed, signature: c.signature };
        c.signed = amount;
        c.signature = await signVoucher(w.keys[c.payer]!, { channelId: c.id, amount }, w.domain);
        break;
      }
      case "redeem": {
        if (c === undefined) break;
        let amount = c.signed;
        let signature = c.signature;
        let good = c.signed > 0n;
        if (action.voucher === "stale") {
          if (c.stale === undefined) break;
          ({ amount, signature } = c.stale);
        } else if (action.voucher === "overDeposit") {
          amount = c.deposit + 1n;
          signature = await signVoucher(w.keys[c.payer]!, { channelId: c.id, amount }, w.domain);
          good = c.signed >= amount;
        } else if (action.voucher === "foreign") {
          signature = await signVoucher(w.stranger, { channelId: c.id, amount }, w.domain);
          good = false;
        }
        const ok = await redeemable(c, amount, good);
        if (
          await send(w.redeemer, ok, `redeem ${action.voucher}`, () =>
            w.channels.connect(w.redeemer).redeem(c.id, amount, signature),
          )
        ) {
          pay(c, "payee", amount - c.redeemed);
          c.redeemed = amount;
        }
        break;
      }
      case "redeemMany": {
        const picked = [
          ...new Set(action.channels.map((i) => model[i % Math.max(model.length, 1)]).filter((x) => x !== undefined)),
        ];
        if (picked.length === 0) break;
        const expected: boolean[] = [];
        for (const p of picked) expected.push(await redeemable(p, p.signed, p.signed > 0n));
        const items = picked.map((p) => ({
          channelId: p.id,
          amount: p.signed,
          signature: p.signature === "0x" ? "0x" : p.signature,
        }));
        await send(w.redeemer, true, "redeemMany", () => w.channels.connect(w.redeemer).redeemMany(items));
        picked.forEach((p, i) => {
          if (!expected[i]) return;
          pay(p, "payee", p.signed - p.redeemed);
          p.redeemed = p.signed;
        });
        break;
      }
      case "close": {
        if (c === undefined) break;
        const withVoucher = action.withVoucher && c.signed > 0n;
        const ok = c.open && (!withVoucher || (await redeemable(c, c.signed, true)));
        if (
          await send(w.redeemer, ok, "close", () =>
            w.channels.connect(w.redeemer).close(c.id, c.signed, withVoucher ? c.signature : "0x"),
          )
        ) {
          if (withVoucher) {
            pay(c, "payee", c.signed - c.redeemed);
            c.redeemed = c.signed;
          }
          pay(c, "payer", c.deposit - c.redeemed);
          c.open = false;
        }
        break;
      }
      case "startExit": {
        if (c === undefined) break;
        const payer = w.payers[c.payer]!;
        if (await send(payer, c.open && c.exitAt === 0n, "startExit", () => w.channels.connect(payer).startExit(c.id)))
          c.exitAt = (await now()) + c.challenge;
        break;
      }
      case "finishExit": {
        if (c === undefined) break;
        const payer = w.payers[c.payer]!;
        const ok = c.open && c.exitAt !== 0n && (await now()) + 1n >= c.exitAt;
        if (await send(payer, ok, "finishExit", () => w.channels.connect(payer).finishExit(c.id))) {
          pay(c, "payer", c.deposit - c.redeemed);
          c.open = false;
        }
        break;
      }
      case "withdraw": {
        const account = accounts[action.account]!;
        const signer = [...w.payers, ...w.payees][action.account]!;
        const key = `${w.tokenAddress}:${account}`;
        const credit = credits.get(key) ?? 0n;
        const ok = credit > 0n && !blocked.has(account);
        if (await send(signer, ok, "withdraw", () => w.channels.connect(signer).withdraw(w.tokenAddress, account))) {
          credits.set(key, 0n);
          paid.set(key, (paid.get(key) ?? 0n) + credit);
        }
        break;
      }
      case "blocklist": {
        const account = payees[action.payee]!;
        if (action.on) {
          await (await w.token.blocklist(account)).wait();
          blocked.add(account);
        } else {
          await (await w.token.unblocklist(account)).wait();
          blocked.delete(account);
        }
        break;
      }
      case "wait":
        await hre.network.provider.send("evm_increaseTime", [action.seconds]);
        await hre.network.provider.send("evm_mine", []);
        break;
    }
    await check(w, model, accounts, credits);
  }

  // Conservation per party: what each payee received and each payer lost equal the redemptions, no more.
  for (const token of [ETH, w.tokenAddress]) {
    for (const [i, payee] of payees.entries()) {
      const redeemed = model.filter((c) => c.token === token && c.payee === i).reduce((s, c) => s + c.redeemed, 0n);
      const received =
        (await balance(token, payee)) - start.get(`${token}:${payee}`)! + (token === ETH ? (gas.get(payee) ?? 0n) : 0n);
      const credited = await w.channels.creditOf(payee, token);
      expect(received + credited, `payee ${i} in ${token.slice(0, 6)}`).to.equal(redeemed);
      expect(received, `payee ${i} paid in ${token.slice(0, 6)}`).to.equal(paid.get(`${token}:${payee}`) ?? 0n);
    }
    for (const [i, payer] of payers.entries()) {
      const mine = model.filter((c) => c.token === token && c.payer === i);
      const held = mine.filter((c) => c.open).reduce((s, c) => s + c.deposit - c.redeemed, 0n);
      const redeemed = mine.reduce((s, c) => s + c.redeemed, 0n);
      const signed = mine.reduce((s, c) => s + (c.signed < c.deposit ? c.signed : c.deposit), 0n);
      const lost =
        start.get(`${token}:${payer}`)! - (await balance(token, payer)) - (token === ETH ? (gas.get(payer) ?? 0n) : 0n);
      const credited = await w.channels.creditOf(payer, token);
      expect(lost - credited - held, `payer ${i} lost in ${token.slice(0, 6)}`).to.equal(redeemed);
      expect(redeemed <= signed, `payer ${i}: redeemed ${redeemed} > signed ${signed}`).to.equal(true);
    }
  }
}

/** Solvency, and every channel as the model says. */
async function check(w: World, model: ModelChannel[], accounts: string[], credits: Map<string, bigint>) {
  for (const token of [ETH, w.tokenAddress]) {
    const open = model.filter((c) => c.token === token && c.open).reduce((s, c) => s + c.deposit - c.redeemed, 0n);
    let owed = open;
    for (const account of accounts) {
      const credit = await w.channels.creditOf(account, token);
      expect(credit, `credit of ${account.slice(0, 8)}`).to.equal(credits.get(`${token}:${account}`) ?? 0n);
      owed += credit;
    }
    const held =
      token === ETH
        ? await hre.ethers.provider.getBalance(w.channelsAddress)
        : await w.token.balanceOf(w.channelsAddress);
    expect(held, `solvency in ${token.slice(0, 6)}`).to.equal(owed);
  }
  for (const c of model) {
    const onChain = await w.channels.getChannel(c.id);
    expect([onChain.deposit, onChain.redeemed, onChain.status, onChain.exitAt]).to.deep.equal([
      c.deposit,
      c.redeemed,
      c.open ? 1n : 2n,
      c.exitAt,
    ]);
    expect(c.redeemed <= c.signed, "redeemed beyond the latest voucher").to.equal(true);
  }
}

describe("channel invariants (model-based)", function () {
  this.timeout(600_000);
  let outside: string;
  before(async function () {
    outside = await hre.network.provider.send("evm_snapshot", []);
  });
  after(async function () {
    await hre.network.provider.send("evm_revert", [outside]);
  });

  it(`hold over ${RUNS} random sequences of opens, vouchers, redemptions, top-ups, closes and exits (seed ${SEED})`, async function () {
    const w = await world();
    await fc.assert(
      fc.asyncProperty(fc.array(actionArbitrary, { minLength: 10, maxLength: 40 }), async (actions) => {
        const snapshot = await hre.network.provider.send("evm_snapshot", []);
        try {
          await runScenario(w, actions);
        } finally {
          await hre.network.provider.send("evm_revert", [snapshot]);
        }
      }),
      {
        seed: SEED,
        numRuns: RUNS,
        endOnFailure: false,
        verbose: 1,
        examples: process.env.INVARIANT_EXAMPLE ? [[JSON.parse(process.env.INVARIANT_EXAMPLE) as Action[]]] : [],
      },
    );
  });
});
