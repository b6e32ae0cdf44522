import Safe from "@safe-global/protocol-kit";
import { expect } from "chai";
import { ethers } from "ethers";
import { protocolKitContractNetworks } from "../../deploy/safe";
import { CofferTreasuryModule__factory } from "../../typechain-types";
import { devPrivateKey } from "../../scripts/lib/local-chain";
import { startDeployedLocalChain, type DeployedLocalChain } from "../helpers/local-chain";

const ERC20 = [
  "function mint(address to, uint256 amount)",
  "function transfer(address to, uint256 amount) returns (bool)",
  "function balanceOf(address) view returns (uint256)",
];
const PAYOUT = 250_000_000n; // 250 tUSDC

describe("treasury Safe (real Safe v1.4.1 through @safe-global/protocol-kit)", function () {
  let local: DeployedLocalChain;
  let safeAddress: string;
  let usdc: ethers.Contract;
  const recipient = ethers.Wallet.createRandom().address;

  /** protocol-kit bound to the treasury Safe with the development key at `index` as its signer. */
  const kitFor = (index: number): Promise<Safe> =>
    Safe.init({
      provider: local.chain.url,
      signer: devPrivateKey(index),
      safeAddress,
      contractNetworks: protocolKitContractNetworks(31337),
    });

  /** A payout of PAYOUT tUSDC from the Safe to `recipient`. */
  const payout = async (kit: Safe) =>
    kit.createTransaction({
      transactions: [
        {
          to: await usdc.getAddress(),
          value: "0",
          data: usdc.interface.encodeFunctionData("transfer", [recipient, PAYOUT]),
        },
      ],
    });

  before(async function () {
    local = await startDeployedLocalChain();
    safeAddress = local.first.manifest.treasurySafe!.address;
    const deployer = (await local.chain.provider.listAccounts())[0]!;
    usdc = new ethers.Contract(local.first.manifest.contracts["TestUSDC"]!.address, ERC20, deployer);
    await (await usdc.mint(safeAddress, 1_000_000_000n)).wait();
  });
  after(async function () {
    await local.stop();
  });

  it("is recognised by protocol-kit with its owners and threshold", async function () {
    const kit = await kitFor(1);
    const owners = (await local.chain.provider.listAccounts()).slice(1, 4).map((account) => account.address);
    expect(await kit.getOwners()).to.deep.equal(owners);
    expect(await kit.getThreshold()).to.equal(2);
    expect(await kit.getContractVersion()).to.equal("1.4.1");
  });

  describe("when only one owner has signed", function () {
    it("protocol-kit refuses to execute, saying one signature is missing", async function () {
      const signed = await (await kitFor(1)).signTransaction(await payout(await kitFor(1)));
      const executor = await kitFor(5); // not an owner: its own approval cannot count
      await expect(executor.executeTransaction(signed)).to.be.rejectedWith("There is 1 signature missing");
    });

    it("the Safe itself rejects the transaction on chain", async function () {
      const owner1 = await kitFor(1);
      const signed = await owner1.signTransaction(await payout(owner1));
      const safe = new ethers.Contract(
        safeAddress,
        [
          "function execTransaction(address,uint256,bytes,uint8,uint256,uint256,uint256,address,address,bytes) returns (bool)",
        ],
        new ethers.Wallet(devPrivateKey(5), local.chain.provider),
      );
      const { data } = signed;
      await expect(
        safe.execTransaction.staticCall(
          data.to,
          data.value,
          data.data,
          data.operation,
          data.safeTxGas,
          data.baseGas,
          data.gasPrice,
          data.gasToken,
          data.refundReceiver,
          signed.encodedSignatures(),
        ),
      ).to.be.rejectedWith(/GS020/); // signatures data too short for a threshold of 2
      expect(await usdc.balanceOf(recipient)).to.equal(0n);
    });
  });

  describe("when two owners have signed", function () {
    it("executes the transfer", async function () {
      const owner1 = await kitFor(1);
      const owner2 = await kitFor(2);
      const transaction = await payout(owner1);
      const signedByOne = await owner1.signTransaction(transaction);
      const signedByTwo = await owner2.signTransaction(signedByOne);
      expect(signedByTwo.signatures.size).to.equal(2);
      const before = await usdc.balanceOf(safeAddress);
      const result = await (await kitFor(5)).executeTransaction(signedByTwo);
      const receipt = await local.chain.provider.waitForTransaction(result.hash);
      expect(receipt?.status).to.equal(1);
      expect(await usdc.balanceOf(recipient)).to.equal(PAYOUT);
      expect(await usdc.balanceOf(safeAddress)).to.equal(before - PAYOUT);
    });
  });

  describe("given the owners enable Coffer's treasury module and an operator with a budget, and nothing else", function () {
    it("the operator can spend its budget but queue nothing: the deployment leaves no delay and no queue limit", async function () {
      const moduleAddress = local.first.manifest.contracts["CofferTreasuryModule"]!.address;
      const [, , , , , , , operatorAccount] = await local.chain.provider.listAccounts();
      const operator = operatorAccount!;
      const module = CofferTreasuryModule__factory.connect(moduleAddress, operator);
      const calls = module.interface;
      const owner1 = await kitFor(1);
      const policy = await owner1.createTransaction({
        transactions: [
          {
            to: safeAddress,
            value: "0",
            data: new ethers.Interface(["function enableModule(address)"]).encodeFunctionData("enableModule", [
              moduleAddress,
            ]),
          },
          {
            to: moduleAddress,
            value: "0",
            data: calls.encodeFunctionData("setOperator", [operator.address, true, false]),
          },
          {
            to: moduleAddress,
            value: "0",
            data: calls.encodeFunctionData("setBudget", [operator.address, await usdc.getAddress(), PAYOUT, 86_400]),
          },
        ],
      });
      const signed = await (await kitFor(2)).signTransaction(await owner1.signTransaction(policy));
      const result = await (await kitFor(5)).executeTransaction(signed);
      expect((await local.chain.provider.waitForTransaction(result.hash))?.status).to.equal(1);
      expect((await module.getSafeSettings(safeAddress)).delay).to.equal(0n);

      const balance = await usdc.balanceOf(safeAddress);
      const token = await usdc.getAddress();
      await expect(module.queueTransfer.staticCall(safeAddress, token, recipient, balance)).to.be.rejectedWith(
        /CofferTreasuryNoDelay/,
      );
      await expect(module.queueTransfer.staticCall(safeAddress, token, recipient, 1n)).to.be.rejectedWith(
        /CofferTreasuryNoDelay/,
      );
      await (await module.transfer(safeAddress, token, recipient, PAYOUT)).wait();
      await expect(module.transfer.staticCall(safeAddress, token, recipient, 1n)).to.be.rejectedWith(
        /CofferTreasuryBudgetExceeded/,
      );
      expect(await usdc.balanceOf(safeAddress)).to.equal(balance - PAYOUT);
    });
  });
});
