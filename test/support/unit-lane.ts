/**
 * The unit lane bundles nothing: a test that reaches the Lambda bundler (directly or by synthesizing a
 * stack) fails here with a message saying where it belongs.
 */
jest.mock("../../scripts/build/lambda-bundle", () => {
  const actual = jest.requireActual<Record<string, unknown>>("../../scripts/build/lambda-bundle");
  return Object.fromEntries(
    Object.entries(actual).map(([name, value]) => [
      name,
      typeof value === "function"
        ? () => {
            throw new Error(`${name}: the unit lane bundles nothing; name this test *.synth.test.ts or *.bundle.test.ts`);
          }
        : value,
    ]),
  );
});
