import { Page } from "../shared/components/Page";
import { mount } from "../shared/mount";
import "./treasury.css";
import { Treasury } from "./Treasury";

mount(<Page title="Treasury">{(config) => <Treasury config={config} />}</Page>);
