import { expect } from "chai";
import { ethers } from "ethers";
import hre from "hardhat";
import {
  MAX_PULL_RECIPIENTS,
  MAX_PUSH_RECIPIENTS,
  TX_GAS_CAP,
  addressesOf,
  createSplit,
  equalConfig,
  fund,
  loadSplits,
  type SplitsFixture,
} from "./fixture";

/**
 * The maximum numbers of recipients, justified: the worst distribution a split of the maximum size can face (every
 * push fails after burning its whole stipend, every share and the incentive become new credits, with the largest
 * incentive) fits one transaction under the 16,777,216-gas cap, with room to spare for repricing.
 */
describe("CofferSplit limits", function () {
  /** Distributes with exactly the transaction gas cap and returns the gas used and the number of credits. */
  async function worstDistribution(
    f: SplitsFixture,
    token: string,
    recipients: string[],
    pullOnly: boolean,
    distributor: string,
  ) {
    const config = equalConfig(recipients, { pullOnly, distributionIncentive: 50_000 });
    const split = await createSplit(f, config);
    const burning = await hre.ethers.deployContract("SplitGasBurningToken");
    const tokenAddress = token === "burning" ? await burning.getAddress() : token;
    if (token === "burning") {
      await burning.mint(await split.getAddress(), 10n ** 24n);
      await burning.setBurning(true);
    } else {
      await fund(f, tokenAddress, await split.getAddress(), 10n ** 21n);
    }
    const tx = await split.connect(f.keeper).distribute(config, tokenAddress, distributor, { gasLimit: TX_GAS_CAP });
    const receipt = (await tx.wait())!;
    console.log(
      `      gas: ${receipt.gasUsed} (${((Number(receipt.gasUsed) / Number(TX_GAS_CAP)) * 100).toFixed(1)}% of the cap)`,
    );
    const credits = receipt.logs.filter((log) => split.interface.parseLog(log)?.name === "PayoutCredited").length;
    return { gasUsed: receipt.gasUsed, credits, owed: await split.owed(tokenAddress) };
  }

  /** `count` gas-burning receivers (GasBurningReceiver's code, burning on) at fresh addresses. */
  async function burners(count: number): Promise<string[]> {
    const template = await hre.ethers.deployContract("GasBurningReceiver");
    const code = await hre.ethers.provider.getCode(await template.getAddress());
    const addresses = addressesOf("burner", count);
    for (const address of addresses) {
      await hre.network.provider.send("hardhat_setCode", [address, code]);
      await hre.network.provider.send("hardhat_setStorageAt", [address, "0x0", ethers.toBeHex(1, 32)]);
    }
    return addresses;
  }

  it(`push mode, ${MAX_PUSH_RECIPIENTS} recipients: a token whose every transfer burns its stipend`, async function () {
    const f = await loadSplits();
    const recipients = addressesOf("worst push", MAX_PUSH_RECIPIENTS);
    const [distributor] = await burners(1);
    const { gasUsed, credits, owed } = await worstDistribution(f, "burning", recipients, false, distributor!);
    expect(credits).to.equal(MAX_PUSH_RECIPIENTS + 1);
    expect(owed).to.equal(10n ** 24n);
    expect(gasUsed).to.be.lessThan((TX_GAS_CAP * 91n) / 100n);
  });

  it(`push mode, ${MAX_PUSH_RECIPIENTS} recipients: ETH to receivers that burn all gas`, async function () {
    const f = await loadSplits();
    const recipients = await burners(MAX_PUSH_RECIPIENTS);
    const { gasUsed, credits } = await worstDistribution(f, ethers.ZeroAddress, recipients, false, recipients[0]!);
    expect(credits).to.equal(MAX_PUSH_RECIPIENTS + 1);
    expect(gasUsed).to.be.lessThan((TX_GAS_CAP * 70n) / 100n);
  });

  it(`pull-only mode, ${MAX_PULL_RECIPIENTS} recipients: every share a new credit`, async function () {
    const f = await loadSplits();
    const recipients = addressesOf("worst pull", MAX_PULL_RECIPIENTS);
    const [distributor] = await burners(1);
    const { gasUsed, credits, owed } = await worstDistribution(f, "burning", recipients, true, distributor!);
    expect(credits).to.equal(1); // the incentive; shares are credited without an event in pull-only mode
    expect(owed).to.equal(10n ** 24n);
    expect(gasUsed).to.be.lessThan((TX_GAS_CAP * 83n) / 100n);
  });
});
