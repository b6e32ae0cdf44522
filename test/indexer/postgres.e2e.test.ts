import { describeEndToEnd } from "./e2e";
import { freshPostgres, postgresUser } from "./helpers";

describeEndToEnd("PostgreSQL", () => (postgresUser() === null ? undefined : freshPostgres("e2e")));
