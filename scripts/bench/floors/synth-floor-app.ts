/**
 * The synth floor: a trivial CDKTF app with both providers and two stacks, run the way cdktf.json
 * runs main.ts. Whatever synth costs beyond this is the project's own (constructs, bundles, models).
 */
import { App, TerraformStack } from "cdktf";
import { AwsProvider } from "@cdktf/provider-aws/lib/provider";
import { GenesyscloudProvider } from "../../../.gen/providers/genesyscloud/provider";

const app = new App();
for (const name of ["dev", "prod"]) {
  const stack = new TerraformStack(app, name);
  new AwsProvider(stack, "aws", { region: "us-east-1" });
  new GenesyscloudProvider(stack, "genesyscloud", { awsRegion: "us-east-1" });
}
app.synth();
