import type { HardhatEthersSigner } from "@nomicfoundation/hardhat-ethers/signers";
import { signPermit as signPermitOf, type PermitSignature } from "../../sdk/src/tokens";
import type { BlocklistToken, MockERC20, ReentrantToken } from "../../typechain-types";

/** The shelf's tokens with EIP-2612 `permit`. */
export type PermitToken = MockERC20 | BlocklistToken | ReentrantToken;

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
): Promise<PermitSignature> {
  return signPermitOf(owner, await token.getAddress(), spender, value, deadline);
}
