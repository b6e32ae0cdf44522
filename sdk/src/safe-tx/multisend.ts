import { ethers } from "ethers";

/**
 * The canonical Safe v1.4.1 MultiSend contracts (as `@safe-global/safe-deployments` lists them; a test checks
 * they agree), written out so that decoding a batch needs none of Safe's libraries.
 */
export const MULTI_SEND_ADDRESSES: readonly string[] = [
  "0x38869bf66a61cF6bDB996A6aE40D5853Fd43B526", // MultiSend
  "0x9641d764fc13c8B624c04430C7356C1C7C8102e2", // MultiSendCallOnly
];

/** One call of a MultiSend batch. */
export interface MultiSendCall {
  readonly operation: 0 | 1;
  readonly to: string;
  readonly value: string;
  readonly data: string;
}

const multiSend = new ethers.Interface(["function multiSend(bytes transactions)"]);

/**
 * The calls of a `multiSend(bytes)` payload: each packed as operation (1 byte), to (20), value (32), data length
 * (32), data.
 * @throws Error when the payload is not a well-formed MultiSend call
 */
export function decodeMultiSend(data: string): MultiSendCall[] {
  const packed = ethers.getBytes(multiSend.decodeFunctionData("multiSend", data)[0] as string);
  const calls: MultiSendCall[] = [];
  for (let offset = 0; offset < packed.length;) {
    if (offset + 85 > packed.length) throw new Error("truncated MultiSend call header");
    const operation = packed[offset];
    if (operation !== 0 && operation !== 1) throw new Error(`unknown MultiSend operation ${operation}`);
    const to = ethers.getAddress(ethers.hexlify(packed.slice(offset + 1, offset + 21)));
    const value = ethers.toBigInt(packed.slice(offset + 21, offset + 53));
    const length = Number(ethers.toBigInt(packed.slice(offset + 53, offset + 85)));
    const end = offset + 85 + length;
    if (end > packed.length) throw new Error("truncated MultiSend call data");
    calls.push({ operation, to, value: value.toString(), data: ethers.hexlify(packed.slice(offset + 85, end)) });
    offset = end;
  }
  return calls;
}

/** Packs calls into a `multiSend(bytes)` payload (the inverse of {@link decodeMultiSend}). */
export function encodeMultiSend(calls: readonly MultiSendCall[]): string {
  const packed = ethers.concat(
    calls.map((call) =>
      ethers.solidityPacked(
        ["uint8", "address", "uint256", "uint256", "bytes"],
        [call.operation, call.to, call.value, ethers.dataLength(call.data), call.data],
      ),
    ),
  );
  return multiSend.encodeFunctionData("multiSend", [packed]);
}
