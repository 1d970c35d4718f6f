/**
 * Which actions give which access level on which kind of data store, from the AWS access levels
 * of the IAM action catalog (Statement.expandedActions, checks/enrich/actions.ts):
 * - admin: a Permissions management action of the store's service (who else may reach it), or
 *   every action (`*`);
 * - write: a Write action of the store's service;
 * - read: a Read action that returns the stored data (objects, items, records, secret values).
 *   Read actions that return configuration (s3:GetBucketTagging) and List actions are not data
 *   access and give no level.
 * Statements whose actions are not enumerated (`*`, NotAction) are judged by one representative
 * action per level.
 */
import type { AccessLevel, AccessStore, ExpandedAction, Statement } from '../model.js';
import { globMatch } from '../glob.js';

export type StoreKind = AccessStore['kind'];

/** IAM service prefixes that act on each kind of store. */
export const STORE_SERVICES: Record<StoreKind, readonly string[]> = {
  s3: ['s3'],
  dynamodb: ['dynamodb'],
  rds: ['rds', 'rds-data'],
  healthlake: ['healthlake'],
  kms: ['kms'],
  secret: ['secretsmanager'],
};

/** Read actions that return stored data, lower-case. */
const DATA_READ = new Set([
  's3:getobject',
  's3:getobjectversion',
  's3:getobjecttorrent',
  's3:getobjectversiontorrent',
  'dynamodb:getitem',
  'dynamodb:batchgetitem',
  'dynamodb:query',
  'dynamodb:scan',
  'dynamodb:partiqlselect',
  'dynamodb:getrecords',
  'healthlake:readresource',
  'healthlake:searchwithget',
  'healthlake:searchwithpost',
  'healthlake:searcheverything',
  'secretsmanager:getsecretvalue',
  'secretsmanager:batchgetsecretvalue',
  'kms:decrypt',
]);

/** Representative actions per level, for statements whose actions are not enumerated. */
const REPRESENTATIVE: Record<StoreKind, ReadonlyArray<readonly [string, AccessLevel]>> = {
  s3: [
    ['s3:getobject', 'read'],
    ['s3:putobject', 'write'],
    ['s3:putbucketpolicy', 'admin'],
  ],
  dynamodb: [
    ['dynamodb:getitem', 'read'],
    ['dynamodb:putitem', 'write'],
    ['dynamodb:putresourcepolicy', 'admin'],
  ],
  rds: [
    ['rds-data:executestatement', 'write'],
    ['rds:modifydbinstance', 'write'],
  ],
  healthlake: [
    ['healthlake:readresource', 'read'],
    ['healthlake:createresource', 'write'],
    ['healthlake:tagresource', 'write'],
  ],
  kms: [
    ['kms:decrypt', 'read'],
    ['kms:putkeypolicy', 'admin'],
  ],
  secret: [
    ['secretsmanager:getsecretvalue', 'read'],
    ['secretsmanager:putsecretvalue', 'write'],
    ['secretsmanager:putresourcepolicy', 'admin'],
  ],
};

const RANK: Record<AccessLevel, number> = { read: 1, write: 2, admin: 3 };

export function stronger(a: AccessLevel | undefined, b: AccessLevel | undefined): AccessLevel | undefined {
  if (!a) return b;
  if (!b) return a;
  return RANK[b] > RANK[a] ? b : a;
}

export function atLeast(level: AccessLevel, min: AccessLevel): boolean {
  return RANK[level] >= RANK[min];
}

/** The level one catalog action gives on a store of `kind`; undefined when none (another service, List, config reads). */
export function levelOf(a: ExpandedAction, kind: StoreKind): AccessLevel | undefined {
  const action = a.action.toLowerCase();
  if (!STORE_SERVICES[kind].includes(action.split(':')[0]!)) return undefined;
  if (a.accessLevel.includes('Permissions management')) return 'admin';
  if (a.accessLevel.includes('Write')) return kind === 'kms' && action === 'kms:decrypt' ? 'read' : 'write';
  if (a.accessLevel.includes('Read') && DATA_READ.has(action)) return 'read';
  return undefined;
}

/** IAM action match: `*` and `?` wildcards, case-insensitive. */
export function actionMatches(pattern: string, action: string): boolean {
  return globMatch(pattern, action, 'full');
}

/** True when an Allow or Deny statement covers a lower-case action (by Action or NotAction). */
export function coversAction(s: Statement, action: string): boolean {
  let m = covered.get(s);
  if (!m) covered.set(s, (m = new Map<string, boolean>()));
  let v = m.get(action);
  if (v === undefined) {
    if (s.actions) v = s.actions.some((p) => actionMatches(p, action));
    else if (s.notActions && s.notActions.length > 0) v = !s.notActions.some((p) => actionMatches(p, action));
    else v = false;
    m.set(action, v);
  }
  return v;
}

/** coversAction per statement and action: the map asks the same few actions of the same statements many times. */
const covered = new WeakMap<Statement, Map<string, boolean>>();

/** True when the statement's actions are enumerated by the catalog (no `*`, no NotAction). */
function enumerated(s: Statement): boolean {
  return s.actions !== undefined && s.expandedActions !== undefined && !s.actions.some((a) => a === '*' || a === '*:*');
}

/** The [action, level] pairs an Allow statement grants on a store of `kind`. */
export function grantedActions(s: Statement, kind: StoreKind): Array<readonly [string, AccessLevel]> {
  if (enumerated(s)) {
    const out: Array<readonly [string, AccessLevel]> = [];
    for (const a of s.expandedActions!) {
      const l = levelOf(a, kind);
      if (l) out.push([a.action.toLowerCase(), l]);
    }
    return out;
  }
  return REPRESENTATIVE[kind].filter(([a]) => coversAction(s, a));
}

/** The actions as written in a statement (the user's spelling) that cover `action` (for paths). */
export function writtenFor(s: Statement, actions: string[]): string[] {
  if (!s.actions) return s.notActions ? [`NotAction ${(s.writtenNotActions ?? s.notActions).join(',')}`] : [];
  let m = written.get(s);
  if (!m) written.set(s, (m = new Map<string, string[]>()));
  const key = actions.join(' ');
  let out = m.get(key);
  if (!out) {
    const spelled = s.writtenActions?.length === s.actions.length ? s.writtenActions : s.actions;
    m.set(key, (out = s.actions.flatMap((p, i) => (actions.some((a) => coversPattern(p, a)) ? [spelled[i]!] : []))));
  }
  return out;
}

const written = new WeakMap<Statement, Map<string, string[]>>();

/** A written pattern covers an action: equal, or by wildcard. */
function coversPattern(p: string, a: string): boolean {
  return p === a || (/[*?]/.test(p) && actionMatches(p, a));
}
