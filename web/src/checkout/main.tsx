import { Page } from "../shared/components/Page";
import { mount } from "../shared/mount";

mount(<Page title="Checkout">{() => <p>Coming in this change.</p>}</Page>);
