import { expect } from "chai";
import { ethers } from "ethers";
import hre from "hardhat";
import { HOUR, loadChannels, voucher, type ChannelsFixture } from "./fixture";

/**
 * The token checks of CofferChannels, one by one (the whole shelf runs in test/hostile/channels.test.ts): a deposit
 * is judged by what arrived, a payout by what left. A fee-on-transfer token is refused at the deposit; a token that
 * turns one on later costs the payee the fee, never the channel its solvency; a token that moves the funds and
 * then returns false (Tether Gold) is paid once, not credited as well.
 */

const ABI = [
  "function mint(address to, uint256 amount)",
  "function approve(address spender, uint256 amount) returns (bool)",
  "function balanceOf(address) view returns (uint256)",
  "function setFeeBps(uint256 feeBps)",
  "function setHonest(bool honest)",
];

async function deploy(f: ChannelsFixture, name: string, args: unknown[] = []) {
  const deployed = await hre.ethers.deployContract(name, args);
  const token = new ethers.Contract(await deployed.getAddress(), ABI, f.deployer);
  await (await token.getFunction("mint")(f.payer.address, 1_000_000n)).wait();
  await (
    await (token.connect(f.payer) as ethers.Contract).getFunction("approve")(
      await f.channels.getAddress(),
      ethers.MaxUint256,
    )
  ).wait();
  return { token, address: await deployed.getAddress() };
}

const open = (f: ChannelsFixture, token: string, salt = ethers.ZeroHash) =>
  f.channels.connect(f.payer).open(f.payee.address, token, f.sessionKey.address, 1_000n, HOUR, salt);

describe("CofferChannels and tokens that move other amounts", function () {
  it("refuses a fee-on-transfer token at the deposit, naming what arrived", async function () {
    const f = await loadChannels();
    const { address } = await deploy(f, "FeeOnTransferToken", [100, "0x000000000000000000000000000000000000fee5"]);
    await expect(open(f, address))
      .to.be.revertedWithCustomError(f.channels, "CofferChannelsTokenDeliveredWrongAmount")
      .withArgs(address, 1_000n, 990n);
  });

  it("pays out exactly what leaves it when a token's fee is switched on later (the payee bears the token's fee)", async function () {
    const f = await loadChannels();
    const { token, address } = await deploy(f, "FeeOnTransferToken", [0, "0x000000000000000000000000000000000000fee5"]);
    await open(f, address);
    const channelId = await f.channels.channelIdOf(f.payer.address, f.payee.address, address, ethers.ZeroHash);
    await (await token.getFunction("setFeeBps")(100)).wait();
    await f.channels.connect(f.payee).redeem(channelId, 500n, await voucher(f, channelId, 500n));
    expect(await token.getFunction("balanceOf")(f.payee.address)).to.equal(495n);
    // The channel still holds exactly what it owes the payer.
    expect(await token.getFunction("balanceOf")(await f.channels.getAddress())).to.equal(500n);
  });

  it("pays a token that moves the funds and then returns false once, without crediting it as well", async function () {
    const f = await loadChannels();
    const { token, address } = await deploy(f, "FalseAfterTransferToken");
    await (await token.getFunction("setHonest")(true)).wait();
    await open(f, address);
    const channelId = await f.channels.channelIdOf(f.payer.address, f.payee.address, address, ethers.ZeroHash);
    await (await token.getFunction("setHonest")(false)).wait();
    await expect(f.channels.connect(f.payee).redeem(channelId, 400n, await voucher(f, channelId, 400n))).not.to.emit(
      f.channels,
      "PayoutCredited",
    );
    expect(await token.getFunction("balanceOf")(f.payee.address)).to.equal(400n);
    expect(await f.channels.creditOf(f.payee.address, address)).to.equal(0n);
  });

  it("credits a payout of a token that returns false and moves nothing (ReturnsFalseToken failing)", async function () {
    const f = await loadChannels();
    const deployed = await hre.ethers.deployContract("ReturnsFalseToken");
    const address = await deployed.getAddress();
    const token = new ethers.Contract(address, [...ABI, "function setFailAll(bool)"], f.deployer);
    await (await token.getFunction("mint")(f.payer.address, 1_000_000n)).wait();
    await (
      await (token.connect(f.payer) as ethers.Contract).getFunction("approve")(
        await f.channels.getAddress(),
        ethers.MaxUint256,
      )
    ).wait();
    await open(f, address);
    const channelId = await f.channels.channelIdOf(f.payer.address, f.payee.address, address, ethers.ZeroHash);
    await (await token.getFunction("setFailAll")(true)).wait();
    await expect(f.channels.connect(f.payee).redeem(channelId, 300n, await voucher(f, channelId, 300n)))
      .to.emit(f.channels, "PayoutCredited")
      .withArgs(f.payee.address, address, 300n);
    await expect(f.channels.connect(f.payee).withdraw(address, f.payee.address))
      .to.be.revertedWithCustomError(f.channels, "CofferChannelsTokenTransferFailed")
      .withArgs(address, f.payee.address, 300n);
    await (await token.getFunction("setFailAll")(false)).wait();
    await f.channels.connect(f.payee).withdraw(address, f.payee.address);
    expect(await token.getFunction("balanceOf")(f.payee.address)).to.equal(300n);
  });
});
