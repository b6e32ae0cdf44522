import { ethers } from "ethers";
import type { HardhatRuntimeEnvironment } from "hardhat/types";
import type { DeploymentManifest } from "../../deploy/manifest";
import { getInvoiceId, signInvoice, type Invoice, type Payment } from "../../sdk/src/escrow";
import { measure, type Measurements } from "./measure";

/** A fixed point in time (2033-05-18) after the chain's clock, from which payments' expiries are set. */
const FIXED_TIME = 2_000_000_000n;

/**
 * Escrow operations with a 6-decimal token, an existing (finite) allowance, and a payee, fee receiver and escrow
 * that already hold the token, as in steady operation. The payer sends authorize and charge itself.
 */
export async function measureEscrow(
  hre: HardhatRuntimeEnvironment,
  manifest: DeploymentManifest,
): Promise<Measurements> {
  const [, , , , operator, payer, payee, feeReceiver] = await hre.ethers.getSigners();
  const escrow = await hre.ethers.getContractAt("CofferEscrow", manifest.contracts["CofferEscrow"]!.address);
  const token = await hre.ethers.getContractAt("MockERC20", manifest.contracts["TestUSDC"]!.address);
  const unit = 1_000_000n;
  for (const account of [payer!, payee!, feeReceiver!, operator!]) {
    await (await token.mint(account.address, 10_000n * unit)).wait();
  }
  await (await token.connect(payer!).approve(await escrow.getAddress(), 1_000_000n * unit)).wait();
  await (await token.connect(operator!).approve(await escrow.getAddress(), 1_000_000n * unit)).wait();

  // Fixed times, so that the calldata (and so the gas) does not depend on when the benchmark runs.
  const now = FIXED_TIME;
  let salt = 0n;
  const payment = (feeBps = 0): Payment => ({
    operator: operator!.address,
    payer: payer!.address,
    payee: payee!.address,
    token: manifest.contracts["TestUSDC"]!.address,
    maxAmount: 100n * unit,
    preApprovalExpiry: now + 3_600n,
    authorizationExpiry: now + 7n * 86_400n,
    refundExpiry: now + 30n * 86_400n,
    minFeeBps: feeBps,
    maxFeeBps: feeBps,
    feeReceiver: feeBps === 0 ? ethers.ZeroAddress : feeReceiver!.address,
    arbiter: ethers.ZeroAddress,
    referenceId: ethers.id(`order-${++salt}`),
    salt,
  });
  const amount = 25n * unit;
  const authorized = async (): Promise<Payment> => {
    const held = payment();
    await (await escrow.connect(payer!).authorize(held, amount, "0x")).wait();
    return held;
  };

  const figures: Measurements = {};
  await authorized(); // the escrow holds funds of other payments, as it does in operation

  const first = payment();
  figures["escrow.authorize"] = await measure(escrow.connect(payer!).authorize(first, amount, "0x"));
  figures["escrow.capture"] = await measure(escrow.connect(operator!).capture(first, amount, 0));
  figures["escrow.refund"] = await measure(escrow.connect(operator!).refund(first, amount / 5n));
  figures["escrow.void"] = await measure(escrow.connect(operator!).void(await authorized()));
  figures["escrow.charge.noFee"] = await measure(escrow.connect(payer!).charge(payment(), amount, 0, "0x"));
  figures["escrow.charge.fee"] = await measure(escrow.connect(payer!).charge(payment(100), amount, 100, "0x"));

  const chainId = (await hre.ethers.provider.getNetwork()).chainId;
  const domain = { chainId, escrow: await escrow.getAddress() };
  const invoice: Invoice = {
    payee: payee!.address,
    payer: ethers.ZeroAddress,
    token: await token.getAddress(),
    amount,
    expiry: now + 86_400n,
    referenceId: ethers.id("invoice-1"),
    salt: 1n,
  };
  await (await token.connect(payer!).approve(await escrow.getAddress(), 1_000_000n * unit)).wait();
  figures["escrow.payInvoice"] = await measure(
    escrow.connect(payer!).payInvoice(invoice, await signInvoice(payee!, invoice, domain)),
  );
  if (!(await escrow.isInvoicePaid(getInvoiceId(invoice, domain)))) throw new Error("The invoice was not paid");

  const expiring = await authorized();
  await hre.network.provider.send("evm_setNextBlockTimestamp", [Number(FIXED_TIME) + 8 * 86_400]);
  figures["escrow.reclaim"] = await measure(escrow.connect(payer!).reclaim(expiring));
  return figures;
}
