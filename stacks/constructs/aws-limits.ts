/**
 * The documented limits of the AWS APIs the constructs call, as pure checks returning sentences
 * (empty when the value is valid): a value outside them fails `terraform apply` after review, so
 * synth refuses it first. Sources: IAM CreateRole and TagRole, Secrets Manager CreateSecret,
 * RotateSecret and TagResource, the S3 bucket naming rules, DynamoDB CreateTable (API references, "Length Constraints" and "Valid Range").
 */

/** IAM role MaxSessionDuration: 1 to 12 hours. */
export const SESSION_SECONDS = { min: 3600, max: 43200 } as const;
/** IAM role names: 64 characters of letters, digits and +=,.@_- . */
export const ROLE_NAME = { max: 64, pattern: /^[\w+=,.@-]+$/ } as const;
/** IAM paths: / or /a/b/, printable ASCII, at most 512 characters. */
export const IAM_PATH = { max: 512, pattern: /^\/(?:[\u0021-\u007e]+\/)?$/ } as const;
/**
 * Tags of IAM, Secrets Manager, S3 and DynamoDB resources: at most 50; keys 1..128 and values
 * 0..256 characters of Unicode letters, digits and spaces and _ . : / = + - @ (so no commas,
 * parentheses or quotes: IAM's TagRole refuses `purpose = "HL7 feeds (ADT, ORU)"`).
 */
export const TAGS = { max: 50, keyMax: 128, valueMax: 256, chars: /^[\p{L}\p{Z}\p{N}_.:/=+\-@]*$/u } as const;
const TAG_CHARS = 'letters, digits, spaces and _.:/=+-@';
/** Secrets Manager RotationRules.AutomaticallyAfterDays. */
export const ROTATION_DAYS = { min: 1, max: 1000 } as const;
/** Secrets Manager secret names. */
export const SECRET_NAME = { max: 512, pattern: /^[\w/+=.@-]+$/ } as const;
/** Secrets Manager secret descriptions. */
export const SECRET_DESCRIPTION_MAX = 2048;

const shown = (v: unknown) => (typeof v === 'string' ? JSON.stringify(v.length > 80 ? `${v.slice(0, 79)}…` : v) : String(v));

export function sessionProblems(seconds: unknown): string[] {
  if (typeof seconds !== 'number' || !Number.isInteger(seconds) || seconds < SESSION_SECONDS.min || seconds > SESSION_SECONDS.max) {
    return [
      `maxSessionDuration ${shown(seconds)} must be a whole number of seconds from ${SESSION_SECONDS.min} to ${SESSION_SECONDS.max} (the range AWS allows for a role)`,
    ];
  }
  return [];
}

export function nameProblems(what: string, name: unknown, limit: { max: number; pattern: RegExp }, chars: string): string[] {
  if (typeof name !== 'string' || name === '') return [`${what} is required`];
  const out: string[] = [];
  if (name.length > limit.max) out.push(`${what} ${shown(name)} is ${name.length} characters, more than the ${limit.max} AWS allows`);
  if (!limit.pattern.test(name)) out.push(`${what} ${shown(name)} may hold only ${chars}`);
  return out;
}

export const roleNameProblems = (name: unknown) => nameProblems('name', name, ROLE_NAME, 'letters, digits and +=,.@_-');
export const secretNameProblems = (name: unknown) => nameProblems('name', name, SECRET_NAME, 'letters, digits and /_+=.@-');

export function pathProblems(path: unknown): string[] {
  if (typeof path !== 'string') return [`path ${shown(path)} must be a string`];
  const out: string[] = [];
  if (path.length > IAM_PATH.max) out.push(`path is ${path.length} characters, more than the ${IAM_PATH.max} AWS allows`);
  if (!IAM_PATH.pattern.test(path)) out.push(`path ${shown(path)} must be "/" or begin and end with "/" (printable ASCII, no spaces), e.g. "/vendors/"`);
  return out;
}

/** Tag count, key and value lengths; keys starting with aws: are reserved by AWS. */
export function tagProblems(tags: Record<string, string>): string[] {
  const out: string[] = [];
  const keys = Object.keys(tags);
  if (keys.length > TAGS.max) out.push(`${keys.length} tags, more than the ${TAGS.max} AWS allows on one resource`);
  for (const k of keys) {
    if (k.length === 0 || k.length > TAGS.keyMax) out.push(`tag key ${shown(k)} is ${k.length} characters; AWS allows 1 to ${TAGS.keyMax}`);
    if (/^aws:/i.test(k)) out.push(`tag key ${shown(k)} starts with "aws:", which AWS reserves`);
    if (!TAGS.chars.test(k)) out.push(`tag key ${shown(k)} may hold only ${TAG_CHARS}`);
    const v = tags[k];
    if (typeof v !== 'string') out.push(`tag ${shown(k)} must have a string value`);
    else {
      if (v.length > TAGS.valueMax) out.push(`tag ${shown(k)} value is ${v.length} characters, more than the ${TAGS.valueMax} AWS allows`);
      if (!TAGS.chars.test(v)) out.push(`tag ${shown(k)} value ${shown(v)} may hold only ${TAG_CHARS} (no commas, parentheses or quotes)`);
    }
  }
  return out;
}

export function rotationDaysProblems(days: unknown): string[] {
  if (typeof days !== 'number' || !Number.isInteger(days) || days < ROTATION_DAYS.min || days > ROTATION_DAYS.max) {
    return [`rotationDays ${shown(days)} must be a whole number of days from ${ROTATION_DAYS.min} to ${ROTATION_DAYS.max} (the range Secrets Manager allows)`];
  }
  return [];
}

/** DynamoDB table names. */
export const TABLE_NAME = { min: 3, max: 255, pattern: /^[\w.-]+$/ } as const;

export function tableNameProblems(name: unknown): string[] {
  if (typeof name !== 'string' || name === '') return ['table name is required'];
  const out: string[] = [];
  if (name.length < TABLE_NAME.min || name.length > TABLE_NAME.max)
    out.push(`table name ${shown(name)} is ${name.length} characters; DynamoDB allows ${TABLE_NAME.min} to ${TABLE_NAME.max}`);
  if (!TABLE_NAME.pattern.test(name)) out.push(`table name ${shown(name)} may hold only letters, digits and _.-`);
  return out;
}

/** S3 general purpose bucket names: 3..63 of a-z 0-9 . -, a letter or digit at both ends, no "..", not an IP address. */
export function bucketNameProblems(name: unknown): string[] {
  if (typeof name !== 'string' || name === '') return ['bucketName is required'];
  const out: string[] = [];
  if (name.length < 3 || name.length > 63) out.push(`bucketName ${shown(name)} is ${name.length} characters; S3 allows 3 to 63`);
  if (!/^[a-z0-9][a-z0-9.-]*[a-z0-9]$/.test(name) || name.includes('..')) {
    out.push(`bucketName ${shown(name)} may hold only lower-case letters, digits, "." and "-", begin and end with a letter or digit, and have no ".."`);
  }
  if (/^\d{1,3}(\.\d{1,3}){3}$/.test(name)) out.push(`bucketName ${shown(name)} must not be an IP address`);
  if (/^(xn--|sthree-|amzn-s3-demo-)/.test(name) || /(-s3alias|--ol-s3|--x-s3|--table-s3|\.mrap)$/.test(name))
    out.push(`bucketName ${shown(name)} uses a prefix or suffix S3 reserves`);
  return out;
}
