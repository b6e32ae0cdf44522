import type { HardhatEthersSigner } from "@nomicfoundation/hardhat-ethers/signers";
import { Signature } from "ethers";
import type { BlocklistToken, MockERC20, ReentrantToken } from "../../typechain-types";

/** The shelf's tokens with EIP-2612 `permit`. */
export type PermitToken = MockERC20 | BlocklistToken | ReentrantToken;

const PERMIT_TYPES = {
  Permit: [
    { name: "owner", type: "address" },
    { name: "spender", type: "address" },
    { name: "value", type: "uint256" },
    { name: "nonce", type: "uint256" },
    { name: "deadline", type: "uint256" },
  ],
};

/**
 * Signs an EIP-2612 permit of `owner` for `spender` over `value` token units until `deadline` (unix seconds),
 * with the token's current nonce for `owner` and the domain the token reports in `eip712Domain()`.
 */
export async function signPermit(
  token: PermitToken,
  owner: HardhatEthersSigner,
  spender: string,
  value: bigint,
  deadline: bigint,
): Promise<Signature> {
  const domain = await token.eip712Domain();
  const nonce = await token.nonces(owner.address);
  const signature = await owner.signTypedData(
    {
      name: domain.name,
      version: domain.version,
      chainId: domain.chainId,
      verifyingContract: domain.verifyingContract,
    },
    PERMIT_TYPES,
    { owner: owner.address, spender, value, nonce, deadline },
  );
  return Signature.from(signature);
}
