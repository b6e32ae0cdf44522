import { expect } from "chai";
import { ethers } from "ethers";
import { createCofferClient, CofferContractError, NATIVE_TOKEN, type CofferClient } from "../../sdk/src";
import * as channels from "../../sdk/src/channels";
import { readDeploymentManifest } from "../../sdk/src/node";
import { MockERC20__factory, type MockERC20 } from "../../typechain-types";
import { devPrivateKey } from "../../scripts/lib/local-chain";
import { startDeployedLocalChain, type DeployedLocalChain } from "../helpers/local-chain";

describe("sdk: channel actions against a local chain", function () {
  let local: DeployedLocalChain;
  let usdc: MockERC20;
  let usdcAddress: string;
  let payer: CofferClient;
  let payee: CofferClient;
  const wallet = (index: number) => new ethers.Wallet(devPrivateKey(index), local.chain.provider);
  const clientFor = (index: number): Promise<CofferClient> =>
    createCofferClient({ runner: wallet(index), manifest: readDeploymentManifest(local.deploymentsDir, 31337) });

  before(async function () {
    local = await startDeployedLocalChain();
    usdcAddress = local.first.manifest.contracts["TestUSDC"]!.address;
    usdc = MockERC20__factory.connect(usdcAddress, wallet(0));
    payer = await clientFor(5);
    payee = await clientFor(6);
    await (await usdc.mint(wallet(5).address, 1_000_000_000n)).wait();
  });
  after(async function () {
    await local.stop();
  });

  it("is deployed with the protocol, and its domain is the one vouchers are signed under", async function () {
    const domain = await channels.channelsDomainOf(payer);
    expect(domain.channels).to.equal(local.first.manifest.contracts["CofferChannels"]!.address);
    const channelId = ethers.id("x");
    expect(channels.voucherDigest({ channelId, amount: 5n }, domain)).to.equal(
      await payer.channels.voucherDigest(channelId, 5n),
    );
  });

  it("opens a token channel (approving exactly the deposit), pays with a session key's vouchers, and closes", async function () {
    const session = ethers.Wallet.createRandom();
    const opened = await channels.openChannel(payer, {
      payee: wallet(6).address,
      token: usdcAddress,
      deposit: 10_000_000n,
      voucherSigner: session.address,
    });
    expect(opened.approval).to.not.equal(undefined);
    const channel = await channels.getChannel(payer, opened.channelId);
    expect(channel).to.deep.include({
      payer: wallet(5).address,
      payee: wallet(6).address,
      signer: session.address,
      deposit: 10_000_000n,
      redeemed: 0n,
      challengePeriod: 3_600,
      status: "open",
    });
    const domain = await channels.channelsDomainOf(payer);
    const voucher = { channelId: opened.channelId, amount: 2_500_000n };
    const signature = await channels.signVoucher(session, voucher, domain);
    expect(channels.verifyVoucher(voucher, signature, session.address, domain)).to.equal(true);
    expect(channels.verifyVoucher(voucher, signature, wallet(5).address, domain)).to.equal(false);
    // The fast checker a server uses agrees with verifyVoucher, for good and bad vouchers alike.
    const check = channels.voucherVerifier(domain);
    expect(check(voucher, signature, session.address)).to.equal(true);
    expect(check(voucher, signature, wallet(5).address)).to.equal(false);
    expect(check({ ...voucher, amount: voucher.amount + 1n }, signature, session.address)).to.equal(false);
    expect(check(voucher, "0x1234", session.address)).to.equal(false);
    await channels.redeem(payee, opened.channelId, voucher.amount, signature);
    await channels.topUp(payer, opened.channelId, 1_000_000n);
    const last = { channelId: opened.channelId, amount: 4_000_000n };
    await channels.closeChannel(payee, opened.channelId, {
      amount: last.amount,
      signature: await channels.signVoucher(session, last, domain),
    });
    const closed = await channels.getChannel(payer, opened.channelId);
    expect([closed.status, closed.redeemed, closed.deposit]).to.deep.equal(["closed", 4_000_000n, 11_000_000n]);
    expect(await usdc.balanceOf(wallet(6).address)).to.equal(4_000_000n);
  });

  it("turns the contract's refusals into decoded errors, with nothing sent", async function () {
    const opened = await channels.openChannel(payer, {
      payee: wallet(6).address,
      token: NATIVE_TOKEN,
      deposit: 1_000n,
    });
    const error = await channels.redeem(payee, opened.channelId, 2_000n, "0x").then(
      () => undefined,
      (thrown: unknown) => thrown,
    );
    expect(error).to.be.instanceOf(CofferContractError);
    expect((error as CofferContractError).errorName).to.equal("CofferChannelsVoucherExceedsDeposit");
    expect((error as Error).message).to.equal(
      `Channels: voucher exceeds deposit (channelId ${opened.channelId}, amount 2000, deposit 1000) ` +
        "[CofferChannelsVoucherExceedsDeposit]",
    );
    const missing = await channels.getChannel(payer, ethers.id("none"));
    expect(missing.status).to.equal("none");
    await channels.startExit(payer, opened.channelId);
    const exiting = await channels.getChannel(payer, opened.channelId);
    expect(exiting.exitAt).to.be.greaterThan(0);
    const early = await channels.finishExit(payer, opened.channelId).then(
      () => undefined,
      (thrown: unknown) => thrown,
    );
    expect((early as CofferContractError).errorName).to.equal("CofferChannelsExitNotDue");
  });
});
