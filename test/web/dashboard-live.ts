/**
 * How long the merchant dashboard takes to show a new payment: from the moment its block is mined (the receipt is
 * in hand) to its row on the open page, with no reload. Shared by the dashboard's test and the benchmarks.
 */
import type { Page } from "playwright-core";

/**
 * Waits until the payment's row is on `page` and returns the milliseconds since `minedAt` (a `Date.now()` taken
 * when the transaction's receipt arrived).
 * @throws when the row does not appear within `timeoutMs`.
 */
export async function msUntilPaymentRow(
  page: Page,
  paymentId: string,
  minedAt: number,
  timeoutMs = 15_000,
): Promise<number> {
  await page
    .locator(`[data-testid="payment-row"][data-payment="${paymentId.toLowerCase()}"]`)
    .waitFor({ state: "visible", timeout: timeoutMs });
  return Date.now() - minedAt;
}
