import { expect } from "chai";
import hre from "hardhat";
import {
  EXACT_SCHEME,
  MemoryVoucherStore,
  PAYMENT_REQUIRED_HEADER,
  PAYMENT_RESPONSE_HEADER,
  PAYMENT_SIGNATURE_HEADER,
  Paywall,
  X402_VERSION,
  decodeHeader,
  encodeHeader,
  paymentRequiredSchema,
  settlementResponseSchema,
  signExactPayment,
  withPaywall,
} from "../../sdk/src/x402";
import type { Eip3009Token } from "../../typechain-types";
import http from "node:http";
import type { AddressInfo } from "node:net";
import { startDeployedLocalChain, type DeployedLocalChain } from "../helpers/local-chain";
import { PRICE, clientOf, walletOf } from "./stack";

/**
 * x402's own `exact` scheme beside Coffer's channels: the paywall announces both, checks an EIP-3009 authorization
 * and settles it at once with the token's `transferWithAuthorization` (a real EIP-3009 token on a local chain).
 */
describe("x402: the exact scheme (EIP-3009), end to end", function () {
  this.timeout(120_000);
  let local: DeployedLocalChain;
  let token: Eip3009Token;
  let url: string;
  let server: http.Server;
  let served = 0;

  before(async function () {
    local = await startDeployedLocalChain();
    const factory = await hre.ethers.getContractFactory("Eip3009Token", walletOf(local, 0));
    token = (await factory.deploy("USD Coin", "USDC", 6)) as unknown as Eip3009Token;
    await token.waitForDeployment();
    await (await token.mint(walletOf(local, 5).address, 1_000_000n)).wait();
    const paywall = new Paywall({
      client: await clientOf(local, walletOf(local, 6)),
      payTo: walletOf(local, 6).address,
      asset: await token.getAddress(),
      store: new MemoryVoucherStore(),
      exact: { name: "USD Coin", version: "1" },
    });
    server = http.createServer(
      withPaywall(paywall, { price: PRICE }, (_request, response) => {
        served += 1;
        response.end("paid");
      }),
    );
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/data`;
  });
  after(async function () {
    await new Promise<void>((resolve) => server?.close(() => resolve()));
    await local?.stop();
  });

  async function exactHeader(overrides: { amount?: string; to?: string } = {}) {
    const required = decodeHeader(
      (await fetch(url)).headers.get(PAYMENT_REQUIRED_HEADER)!,
      paymentRequiredSchema,
      PAYMENT_REQUIRED_HEADER,
    );
    const accepted = required.accepts.find((r) => r.scheme === EXACT_SCHEME)!;
    const now = (await local.chain.provider.getBlock("latest"))!.timestamp;
    const payload = await signExactPayment(
      walletOf(local, 5),
      { ...accepted, amount: overrides.amount ?? accepted.amount, payTo: overrides.to ?? accepted.payTo },
      31337,
      now,
    );
    return { accepted, header: encodeHeader({ x402Version: X402_VERSION, accepted, payload }) };
  }

  const send = (header: string) => fetch(url, { headers: { [PAYMENT_SIGNATURE_HEADER]: header } });
  const settlementOf = (response: Response) =>
    decodeHeader(response.headers.get(PAYMENT_RESPONSE_HEADER)!, settlementResponseSchema, PAYMENT_RESPONSE_HEADER);

  it("announces exact beside coffer-channel, with the token's EIP-712 name and version", async function () {
    const { accepted } = await exactHeader();
    expect(accepted).to.deep.include({ scheme: "exact", amount: "1000", extra: { name: "USD Coin", version: "1" } });
  });

  it("settles an authorization at once and names the transaction; the same authorization again is refused", async function () {
    const { header } = await exactHeader();
    const before = await token.balanceOf(walletOf(local, 6).address);
    const paid = await send(header);
    expect(paid.status).to.equal(200);
    const settlement = settlementOf(paid);
    expect(settlement.success).to.equal(true);
    expect(settlement.payer).to.equal(walletOf(local, 5).address);
    const receipt = await local.chain.provider.getTransactionReceipt(settlement.transaction);
    expect(receipt?.status).to.equal(1);
    expect((await token.balanceOf(walletOf(local, 6).address)) - before).to.equal(PRICE);
    const replayed = await send(header);
    expect([replayed.status, settlementOf(replayed).errorReason]).to.deep.equal([402, "authorization_used"]);
    expect(served).to.equal(1);
  });

  it("refuses an authorization to another payee, for less than the price, or signed by someone else", async function () {
    const stranger = walletOf(local, 9).address;
    const toOther = await exactHeader({ to: stranger });
    expect(settlementOf(await send(toOther.header)).errorReason).to.equal("requirements_mismatch");
    const tooLittle = await exactHeader({ amount: "999" });
    expect(settlementOf(await send(tooLittle.header)).errorReason).to.equal("amount_too_low");
    const { header, accepted } = await exactHeader();
    const decoded = JSON.parse(Buffer.from(header, "base64").toString()) as { payload: { signature: string } };
    const forged = await signExactPayment(walletOf(local, 7), accepted, 31337);
    const mixed = encodeHeader({ ...decoded, payload: { ...decoded.payload, signature: forged.signature } });
    expect(settlementOf(await send(mixed)).errorReason).to.equal("invalid_signature");
  });
});
