/**
 * Checkout links a merchant hands to customers, as the web app's checkout page reads them
 * (`web/src/checkout/request.ts`): the invoice or order document as base64url JSON, or a plan id.
 */

/** The `coffer-order/1` document: an escrowed order's payment terms without the payer, and the amount. */
export const ORDER_FORMAT = "coffer-order/1";

/** base64url of a document's JSON, integers as decimal strings. */
export function encodeLinkParameter(document: unknown): string {
  const json = JSON.stringify(document, (_, value: unknown) => (typeof value === "bigint" ? value.toString() : value));
  return Buffer.from(json, "utf8").toString("base64url");
}

/** The checkout page's link for an invoice document (`coffer-invoice/1`), an order document, or a plan. */
export function checkoutLink(
  appUrl: string,
  request: { readonly invoice: unknown } | { readonly order: unknown } | { readonly plan: bigint | number },
): string {
  const url = new URL("checkout.html", appUrl.endsWith("/") ? appUrl : `${appUrl}/`);
  if ("invoice" in request) url.searchParams.set("invoice", encodeLinkParameter(request.invoice));
  else if ("order" in request) url.searchParams.set("order", encodeLinkParameter(request.order));
  else url.searchParams.set("plan", request.plan.toString());
  return url.toString();
}
