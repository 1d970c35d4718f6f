/**
 * What kind of credential a configuration value is, if any (NHI-ROT-008). Token formats come from
 * secretlint's recommended rule preset (@secretlint/core, @secretlint/secretlint-rule-preset-recommend:
 * AWS access keys and secret keys, private keys, GitHub, GitLab, Slack, npm, GCP, Azure, OpenAI,
 * database connection strings with passwords, basic auth in URLs, ...); a password-like name with
 * a literal value that is not a reference, a number or a switch is `password-like`.
 *
 * Returns kinds only. The value is read here and nowhere else: it is never returned, logged,
 * cached or put into an error. secretlint runs with maskSecrets, and only its rule and message
 * ids are read from its results.
 */
import { lintSource } from '@secretlint/core';
import { creator as recommended } from '@secretlint/secretlint-rule-preset-recommend';

type SecretLintCoreConfig = Parameters<typeof lintSource>[0]['options']['config'];

const CONFIG: SecretLintCoreConfig = {
  rules: [
    {
      id: recommended.meta.id,
      rule: recommended,
      // Access key ids are off by default in secretlint (they identify, the secret key signs); a
      // key id in configuration almost always sits next to its secret, so it counts here.
      rules: [{ id: '@secretlint/secretlint-rule-aws', options: { enableIDScanRule: true } }],
    },
  ],
};

/** secretlint message ids to our kinds; any other id becomes its kebab-case form (`GITHUB_TOKEN` -> `github-token`). */
const KINDS: Record<string, string> = {
  AWSAccessKeyID: 'aws-access-key',
  AWSSecretAccessKey: 'aws-secret-key',
  AWSAccountID: 'aws-account-id',
  PrivateKey: 'private-key',
};

function kindOf(messageId: string): string {
  return (
    KINDS[messageId] ??
    messageId
      .replace(/([a-z0-9])([A-Z])/g, '$1-$2')
      .replace(/_/g, '-')
      .toLowerCase()
  );
}

/** Longest value scanned: configuration values past this are not credentials people paste. */
const MAX_VALUE = 64 * 1024;

/** Token formats found in a text (kinds, sorted, without duplicates). An account id alone is no credential. */
export async function tokenKinds(text: string): Promise<string[]> {
  if (text.length === 0 || text.length > MAX_VALUE) return [];
  let messages: Array<{ messageId: string }>;
  try {
    const r = await lintSource({
      source: { filePath: '/nhi-guard/configuration-value', content: text, contentType: 'text' },
      options: { config: CONFIG, maskSecrets: true, noPhysicFilePath: true },
    });
    messages = r.messages;
  } catch {
    return []; // a detector failure says nothing about the value; never echo it
  }
  const kinds = new Set(messages.map((m) => kindOf(m.messageId)).filter((k) => k !== 'aws-account-id'));
  return [...kinds].sort();
}

const PASSWORD_NAME = /(password|passwd|passphrase|pwd|secret|token|api[_-]?key|private[_-]?key|credential|access[_-]?key)/i;

/** Names that hold a pointer to a credential, or a setting about one, not the credential. */
const POINTER_SUFFIX =
  /[_-]?(arn|name|id|ids|path|param|parameter|ref|url|uri|file|length|len|ttl|enabled|type|kind|header|version|expiry|expires|rotation|days)$/i;

const SWITCHES = new Set(['true', 'false', 'yes', 'no', 'on', 'off', 'enabled', 'disabled', 'none', 'null', '']);

/** A value that names where a credential is (ARN, parameter path, placeholder), not the credential. */
function isPointer(value: string): boolean {
  return (
    /^arn:/i.test(value) ||
    /^(\/[\w.+-]+)+\/?$/.test(value) ||
    /\$\{[^}]*\}/.test(value) ||
    /^\$[A-Za-z_]\w*$/.test(value) ||
    /^\{\{resolve:/.test(value) ||
    /^(secretsmanager|ssm|vault):/i.test(value)
  );
}

/** A password-like name with a literal that could be the password itself. */
export function passwordLike(name: string, value: string): boolean {
  if (!PASSWORD_NAME.test(name) || POINTER_SUFFIX.test(name)) return false;
  const v = value.trim();
  if (v.length < 4 || SWITCHES.has(v.toLowerCase()) || /^-?\d+(\.\d+)?$/.test(v)) return false;
  return !isPointer(v);
}

/** Kinds of credential a named configuration value is: token formats first, else password-like. */
export async function credentialKinds(name: string, value: string): Promise<string[]> {
  const tokens = await tokenKinds(value);
  if (tokens.length) return tokens;
  return passwordLike(name, value) ? ['password-like'] : [];
}
