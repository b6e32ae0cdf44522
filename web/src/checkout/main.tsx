import { Page } from "../shared/components/Page";
import { mount } from "../shared/mount";
import { CheckoutPage } from "./CheckoutPage";

mount(<Page title="Checkout">{(config) => <CheckoutPage config={config} />}</Page>);
