import { App } from "cdktf";
import { loadEnvironments } from "./config/load";
import { EnvironmentStack } from "./stacks/environment-stack";

const app = new App();
for (const environment of loadEnvironments()) {
  new EnvironmentStack(app, environment);
}
app.synth();
