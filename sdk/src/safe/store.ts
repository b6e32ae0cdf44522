import type { SafeSignatureRecord, SafeTransactionFile } from "./file-format";

/**
 * Where signers share Safe transactions and their signatures: a directory ({@link DirectorySafeStore}), Coffer's
 * signature service ({@link SignatureServiceClient}), or the hosted Safe Transaction Service
 * ({@link SafeApiKitStore}). A store keeps what it is given; the actions verify everything they read from one.
 */
export interface SafeTransactionStore {
  /** A readable name for messages (a path or a URL). */
  readonly location: string;
  /**
   * Adds a proposal, or merges its signatures into the stored transaction with the same safeTxHash.
   * @throws SafeNonceTakenError when another transaction of the same Safe holds the nonce.
   */
  add(file: SafeTransactionFile): Promise<SafeTransactionFile>;
  /** @throws SafeTransactionNotFoundError */
  get(safeTxHash: string): Promise<SafeTransactionFile>;
  /** The transactions the store holds for a Safe whose nonce is at least `minNonce` (by nonce). */
  list(chainId: number, safeAddress: string, minNonce: number): Promise<SafeTransactionFile[]>;
  /** Adds one signature (a signer already present keeps its signature). @throws SafeTransactionNotFoundError */
  addSignature(safeTxHash: string, signature: SafeSignatureRecord): Promise<SafeTransactionFile>;
}
