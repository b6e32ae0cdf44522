import { ethers } from "ethers";

/** EIP-2612's typed data. */
export const PERMIT_TYPES = {
  Permit: [
    { name: "owner", type: "address" },
    { name: "spender", type: "address" },
    { name: "value", type: "uint256" },
    { name: "nonce", type: "uint256" },
    { name: "deadline", type: "uint256" },
  ],
};

const PERMIT_TOKEN_ABI = [
  "function eip712Domain() view returns (bytes1, string name, string version, uint256 chainId, address verifyingContract, bytes32, uint256[])",
  "function name() view returns (string)",
  "function nonces(address) view returns (uint256)",
];

/**
 * Signs an EIP-2612 permit of `signer` for `spender` over `value` units of `token` until `deadline` (unix
 * seconds), with the token's current nonce for the signer. The domain is the one the token reports through
 * ERC-5267 `eip712Domain()`; a token without it gets its `name()`, version "1" and the provider's chain id.
 */
export async function signPermit(
  signer: ethers.Signer,
  token: string,
  spender: string,
  value: bigint,
  deadline: bigint,
): Promise<ethers.Signature> {
  const provider = signer.provider;
  if (provider === null) throw new Error("signPermit needs a signer connected to a provider");
  const contract = new ethers.Contract(token, PERMIT_TOKEN_ABI, provider);
  const owner = await signer.getAddress();
  const domain = await contract
    .getFunction("eip712Domain")()
    .then((d: ethers.Result) => ({
      name: String(d[1]),
      version: String(d[2]),
      chainId: BigInt(d[3]),
      verifyingContract: String(d[4]),
    }))
    .catch(async () => ({
      name: String(await contract.getFunction("name")()),
      version: "1",
      chainId: (await provider.getNetwork()).chainId,
      verifyingContract: token,
    }));
  const nonce = (await contract.getFunction("nonces")(owner)) as bigint;
  return ethers.Signature.from(
    await signer.signTypedData(domain, PERMIT_TYPES, { owner, spender, value, nonce, deadline }),
  );
}
