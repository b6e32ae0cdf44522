import { Page } from "../shared/components/Page";
import { mount } from "../shared/mount";

mount(<Page title="treasury">{() => <p>Coming in this change.</p>}</Page>);
