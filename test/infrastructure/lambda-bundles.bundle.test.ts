import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { bundleFunction, listFunctionNames } from "../../scripts/build/lambda-bundle";

describe("Lambda bundles", () => {
  it("finds every function entry point", () => {
    expect(listFunctionNames()).toEqual(expect.arrayContaining(["email-routing/classify-email", "shared/comprehend-endpoint-manager", "identity-graph/resolver", "attachment-routing/start"]));
  });

  it("bundles each function with a source map, the SDK included", () => {
    for (const name of listFunctionNames()) {
      const dir = bundleFunction(name);
      expect(existsSync(join(dir, "index.js"))).toBe(true);
      expect(existsSync(join(dir, "index.js.map"))).toBe(true);
      const required = [...readFileSync(join(dir, "index.js"), "utf8").matchAll(/require\("(@aws-sdk\/[^"]+)"\)/g)].map((m) => m[1]);
      // Only the SDK's optional CRT signer stays an (unused, guarded) external require.
      expect(new Set(required)).toEqual(new Set(["@aws-sdk/signature-v4-crt"]));
    }
  });

  it("ships the trained model with classify-email, and the bundle answers a Genesys Lambda data action", async () => {
    const dir = bundleFunction("email-routing/classify-email");
    const model = JSON.parse(readFileSync(join(dir, "model.json"), "utf8")) as { kind: string; labels: string[]; trainedOn: { sha256: string } };
    expect(model.kind).toBe("softmax-tfidf");
    expect(model.labels).toEqual(["401K", "529", "GENERAL", "IRA"]);
    expect(model.trainedOn.sha256).toMatch(/^[0-9a-f]{64}$/);

    Object.assign(process.env, {
      CLASSIFIER_BACKEND: "embedded",
      CONFIDENCE_THRESHOLD: "0.75",
      TOPIC_QUEUES: JSON.stringify({ "401K": "401K", IRA: "IRA", "529": "529" }),
    });
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const { handler } = require(join(dir, "index.js")) as { handler: (event: unknown) => Promise<unknown> };
    await expect(handler({ EmailSubject: "Roth question", EmailBody: "Can I convert my traditional IRA?" })).resolves.toEqual({
      QueueName: "IRA",
      Confidence: expect.any(Number),
    });
    const response = (await handler({ httpMethod: "POST", requestContext: {}, body: "{}" })) as { statusCode: number; body: string };
    expect(response.statusCode).toBe(400);
    expect(JSON.parse(response.body)).toEqual({ error: "invalid request", problems: ["EmailBody: is required"] });
  });
});
