/**
 * Governance metadata every non-human identity carries, emitted as tags (names per RULES.md;
 * configurable to match a hospital's tagging standard) and checked at synth time by the
 * GovernanceAspect.
 */
import type { IConstruct } from 'constructs';

export const DATA_CLASSES = ['phi', 'pii', 'internal', 'public'] as const;
export const ENVIRONMENTS = ['prod', 'staging', 'dev', 'test'] as const;
export const IDENTITY_KINDS = ['service', 'vendor', 'break-glass', 'automation', 'human-role'] as const;

export type DataClass = (typeof DATA_CLASSES)[number];
export type Environment = (typeof ENVIRONMENTS)[number];
export type IdentityKind = (typeof IDENTITY_KINDS)[number];

export interface Governance {
  /** Accountable team or person. */
  owner: string;
  /** Why the identity exists. */
  purpose: string;
  /** Most sensitive data it can reach. */
  dataClass: DataClass;
  environment: Environment;
  /** Date after which it must be gone, YYYY-MM-DD. */
  expiresOn: string;
  identityKind: IdentityKind;
  /** System-of-record reference (change ticket, contract). */
  ticket?: string;
}

export interface TagKeys {
  owner: string;
  purpose: string;
  dataClass: string;
  environment: string;
  expiresOn: string;
  identityKind: string;
  ticket: string;
}

export const DEFAULT_TAG_KEYS: TagKeys = {
  owner: 'owner',
  purpose: 'purpose',
  dataClass: 'data-class',
  environment: 'environment',
  expiresOn: 'expires-on',
  identityKind: 'identity-kind',
  ticket: 'ticket',
};

/** Maximum lifetime from now, per identity kind (days), as in the policy data defaults. */
export const MAX_LIFETIME_DAYS: Record<IdentityKind, number> = {
  service: 365,
  automation: 365,
  vendor: 90,
  'break-glass': 365,
  'human-role': 365,
};

export function governanceTags(g: Governance, keys: TagKeys = DEFAULT_TAG_KEYS): Record<string, string> {
  const tags: Record<string, string> = {
    [keys.owner]: g.owner,
    [keys.purpose]: g.purpose,
    [keys.dataClass]: g.dataClass,
    [keys.environment]: g.environment,
    [keys.expiresOn]: g.expiresOn,
    [keys.identityKind]: g.identityKind,
  };
  if (g.ticket) tags[keys.ticket] = g.ticket;
  return tags;
}

/** A construct that declares governance metadata; the aspect validates every one of them. */
export interface Governed extends IConstruct {
  readonly governance: Governance;
  /**
   * Construct-specific problems (the identity kind or data class it must have, limits of its
   * kind), as sentences saying what to fix; the aspect reports them with the construct path.
   */
  governanceChecks?(): string[];
}

export function isGoverned(c: IConstruct): c is Governed {
  return typeof (c as Partial<Governed>).governance === 'object' && (c as Partial<Governed>).governance !== null;
}
