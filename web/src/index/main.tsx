import { Page } from "../shared/components/Page";
import { mount } from "../shared/mount";

/** The landing page: where each role goes. */
function Home() {
  return (
    <Page title="Coffer">
      {(config) => (
        <div className="grid">
          <section className="card">
            <h2>Customers</h2>
            <p>
              Pay an invoice, place an order or subscribe from your own wallet. Merchants link here with the details.
            </p>
            <a href="./checkout.html">Open checkout</a>
          </section>
          <section className="card">
            <h2>Merchants</h2>
            <p>Balances, payments, subscriptions, settlement and reconciliation, live from the indexer.</p>
            <a href={`./dashboard.html${config.merchant ? `?merchant=${config.merchant}` : ""}`}>Open the dashboard</a>
          </section>
          <section className="card">
            <h2>Treasury signers</h2>
            <p>
              The Safe&apos;s pending transactions, budgets and queued transfers; sign and execute with your wallet.
            </p>
            <a href={`./treasury.html${config.treasurySafe ? `?safe=${config.treasurySafe}` : ""}`}>
              Open the treasury
            </a>
          </section>
        </div>
      )}
    </Page>
  );
}

mount(<Home />);
