import type { ReactNode } from "react";
import { useConfig } from "../use-config";
import type { WebConfig } from "../config";
import { ProblemBanner } from "./ProblemBanner";

const LINKS = [
  { href: "./checkout.html", label: "Checkout" },
  { href: "./dashboard.html", label: "Merchant dashboard" },
  { href: "./treasury.html", label: "Treasury" },
];

/** The frame of every page: header, navigation, the app's settings loaded, then the page itself. */
export function Page(props: { title: string; children: (config: WebConfig) => ReactNode }) {
  const { config, error } = useConfig();
  return (
    <>
      <header className="site-header">
        <a className="brand" href="./index.html">
          Coffer
        </a>
        <nav aria-label="Pages">
          {LINKS.map((link) => (
            <a key={link.href} href={link.href}>
              {link.label}
            </a>
          ))}
        </nav>
        {config && <span className="chain-badge">{config.chainName}</span>}
      </header>
      <main>
        <h1>{props.title}</h1>
        {error !== undefined && <ProblemBanner error={error} />}
        {config === undefined && error === undefined && <p aria-busy="true">Loading…</p>}
        {config !== undefined && props.children(config)}
      </main>
    </>
  );
}
