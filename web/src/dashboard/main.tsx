import { Page } from "../shared/components/Page";
import { mount } from "../shared/mount";
import { Dashboard } from "./Dashboard";
import "./dashboard.css";

mount(<Page title="Merchant dashboard">{(config) => <Dashboard config={config} />}</Page>);
