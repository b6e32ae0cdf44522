import { StrictMode, type ReactNode } from "react";
import { createRoot } from "react-dom/client";
import "./styles.css";

/** Renders a page's root component into its `#root`. */
export function mount(page: ReactNode): void {
  const root = document.getElementById("root");
  if (root === null) throw new Error("The page has no #root element");
  createRoot(root).render(<StrictMode>{page}</StrictMode>);
}
