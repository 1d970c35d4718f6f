/** asl-validator ships no types: the part of its API the tests use. */
declare module 'asl-validator' {
  export interface AslValidation {
    isValid: boolean;
    errors: Array<{ message?: string }>;
    errorsText(separator?: string): string;
  }
  export default function aslValidator(definition: unknown, options?: { checkPaths?: boolean; checkArn?: boolean }): AslValidation;
}
