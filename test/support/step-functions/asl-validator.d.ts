/** asl-validator 4 ships no types: its CommonJS export is the validator function. */
declare module "asl-validator" {
  interface AslValidationError {
    "Error code": string;
    Message: string;
    path?: string;
    schemaPath?: string;
  }
  interface AslValidationResult {
    isValid: boolean;
    errors: AslValidationError[];
    errorsText(separator?: string): string;
  }
  function aslValidator(definition: unknown, options?: { checkPaths?: boolean; checkArn?: boolean }): AslValidationResult;
  export = aslValidator;
}
