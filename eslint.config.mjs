import tseslint from "typescript-eslint";

export default tseslint.config(
  { ignores: ["node_modules/", ".gen/", "dist/", "cdktf.out/", "coverage/", "jest.config.js"] },
  ...tseslint.configs.recommended,
  {
    rules: {
      "@typescript-eslint/no-unused-vars": ["error", { argsIgnorePattern: "^_", varsIgnorePattern: "^_" }],
      "no-restricted-properties": [
        "error",
        { object: "it", property: "skip", message: "No skipped tests." },
        { object: "it", property: "only", message: "No focused tests." },
        { object: "describe", property: "skip", message: "No skipped tests." },
        { object: "describe", property: "only", message: "No focused tests." },
        { object: "test", property: "skip", message: "No skipped tests." },
        { object: "test", property: "only", message: "No focused tests." },
        { object: "it", property: "todo", message: "No placeholder tests." },
      ],
      "no-restricted-globals": ["error", { name: "xit", message: "No skipped tests." }, { name: "xdescribe", message: "No skipped tests." }],
    },
  },
  {
    files: ["functions/**/*.ts"],
    rules: {
      "no-restricted-syntax": [
        "error",
        {
          selector: "ImportDeclaration[source.value='zod'] > ImportSpecifier",
          message: "Use `import * as z from \"zod\"` in functions: the named import bundles every zod locale (~350 KiB per Lambda).",
        },
      ],
    },
  },
);
