import { escrow, type Invoice } from "@coffer/sdk";
import { ethers } from "ethers";
import { z } from "zod";
import { checkSameDeployment, readJsonFile, zAddress, zBytes32, zHex, zUint, type Session } from "../../common";

/** The invoice file (`coffer-invoice/1`): the `Invoice` struct, its id and the payee's EIP-712 signature. */
export const INVOICE_FORMAT = "coffer-invoice/1";

const invoiceFileSchema = z.object({
  format: z.literal(INVOICE_FORMAT),
  chainId: z.number().int(),
  escrow: zAddress,
  invoiceId: zBytes32,
  invoice: z.object({
    payee: zAddress,
    payer: zAddress,
    token: zAddress,
    amount: zUint,
    expiry: zUint,
    referenceId: zBytes32,
    salt: zUint,
  }),
  signature: zHex,
});

/**
 * Reads an invoice file for the chain's escrow: the invoice, the id it hashes to, its signature, whether the id
 * is the file's and whether the signature is the payee's (an EOA's; a contract payee's is the escrow's to check).
 */
export async function readInvoice(session: Session, file: string) {
  const data = readJsonFile(file, invoiceFileSchema, INVOICE_FORMAT);
  const escrowAddress = await session.client.escrow.getAddress();
  checkSameDeployment(file, data.chainId, data.escrow, session, escrowAddress);
  const i = data.invoice;
  const invoice: Invoice = {
    ...i,
    payee: ethers.getAddress(i.payee),
    payer: ethers.getAddress(i.payer),
    token: ethers.getAddress(i.token),
    amount: BigInt(i.amount),
    expiry: BigInt(i.expiry),
    salt: BigInt(i.salt),
  };
  const domain = { chainId: session.chainId, escrow: escrowAddress };
  const invoiceId = escrow.getInvoiceId(invoice, domain);
  return {
    invoice,
    invoiceId,
    signature: data.signature,
    idMatches: invoiceId === data.invoiceId,
    signatureValid: escrow.verifyInvoice(invoice, data.signature, domain),
  };
}
