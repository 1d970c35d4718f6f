/**
 * Who may assume an identity's role: one principal per role (NHI-TR-006), each turned into exactly
 * one trust statement with the conditions that pin it to one workload. Identifiers are literal
 * ARNs, never references, so the checker can read the trust policy at synth time.
 */

export interface Condition {
  test: string;
  variable: string;
  values: string[];
}

/** An AWS service principal (any service), pinned to the calling account and optionally to one resource. */
export interface AwsServicePrincipal {
  kind?: 'service';
  /** Service principal, e.g. `events.amazonaws.com`. */
  service: string;
  /** aws:SourceAccount condition (confused-deputy protection). */
  sourceAccount?: string;
  /** aws:SourceArn condition (ArnLike), the resource of that service acting on the role. */
  sourceArn?: string;
}

/** An ECS task role: ecs-tasks.amazonaws.com, limited to tasks of one account (and region). */
export interface EcsTaskPrincipal {
  kind: 'ecs-task';
  account: string;
  /** Region of the cluster; `*` when omitted. */
  region?: string;
}

/** A Lambda execution role, limited to functions of one account. */
export interface LambdaPrincipal {
  kind: 'lambda';
  account: string;
}

/** A Kubernetes service account of an EKS cluster, through the cluster's IAM OIDC provider (IRSA). */
export interface EksServiceAccountPrincipal {
  kind: 'eks-service-account';
  /** Account that holds the IAM OIDC provider of the cluster. */
  account: string;
  /** Issuer of the cluster, e.g. `oidc.eks.us-east-1.amazonaws.com/id/EXAMPLED539D4633E53DE1B71EXAMPLE`. */
  issuer: string;
  namespace: string;
  serviceAccount: string;
}

/** A GitHub Actions workflow through GitHub's OIDC provider, for exactly one repository and branch or environment. */
export interface GithubActionsPrincipal {
  kind: 'github-actions';
  /** Account that holds the IAM OIDC provider for token.actions.githubusercontent.com. */
  account: string;
  /** `ORG/REPO`, no wildcards. */
  repository: string;
  /** A branch or tag ref, e.g. `refs/heads/main`; give this or `environment`. */
  ref?: string;
  /** A GitHub deployment environment, e.g. `production`; give this or `ref`. */
  environment?: string;
}

/** Specific IAM roles or users of an account (people or pipelines), optionally with conditions. */
export interface AccountPrincipals {
  kind: 'account-principals';
  /** Role or user ARNs; never `*` and never a whole account. */
  arns: string[];
}

/** A third party's AWS account (or specific roles in it), always with the agreed sts:ExternalId. */
export interface ExternalAccountPrincipal {
  kind: 'external-account';
  account: string;
  /** Specific roles of that account; the whole account (its root principal) when omitted. */
  roleArns?: string[];
  /** 2 to 1224 characters, agreed with the third party. */
  externalId: string;
}

export type Principal =
  AwsServicePrincipal | EcsTaskPrincipal | LambdaPrincipal | EksServiceAccountPrincipal | GithubActionsPrincipal | AccountPrincipals | ExternalAccountPrincipal;

export interface TrustStatement {
  actions: string[];
  principals: Array<{ type: string; identifiers: string[] }>;
  conditions: Condition[];
}

export const GITHUB_OIDC_HOST = 'token.actions.githubusercontent.com';
const STS_AUDIENCE = 'sts.amazonaws.com';

const ACCOUNT = /^\d{12}$/;
const WILDCARD = /[*?]/;
const IAM_PRINCIPAL_ARN = /^arn:aws[a-z-]*:iam::(\d{12}):(role|user)\/[\w+=,.@/-]+$/;

function need(ok: boolean, message: string): void {
  if (!ok) throw new Error(message);
}

function account(a: string, what: string): string {
  need(ACCOUNT.test(a), `${what} must be a 12-digit AWS account ID, got "${a}"`);
  return a;
}

/** A part of an OIDC subject: non-empty and free of wildcards, so `sub` matches one workload. */
function exact(v: string | undefined, what: string): string {
  need(typeof v === 'string' && v.trim() !== '', `${what} is required`);
  need(!WILDCARD.test(v!), `${what} "${v}" contains a wildcard: the OIDC subject must name exactly one workload`);
  need(!/\s/.test(v!), `${what} "${v}" contains whitespace`);
  return v!;
}

/** `repo:ORG/REPO:ref:refs/heads/main` or `repo:ORG/REPO:environment:NAME`. */
export function githubSubject(p: GithubActionsPrincipal): string {
  const repo = exact(p.repository, 'GitHub repository');
  need(/^[A-Za-z0-9_.-]+\/[A-Za-z0-9_.-]+$/.test(repo), `GitHub repository "${repo}" must be ORG/REPO`);
  need((p.ref === undefined) !== (p.environment === undefined), 'a GitHub Actions principal takes exactly one of ref or environment');
  if (p.ref !== undefined) {
    const ref = exact(p.ref, 'GitHub ref');
    need(/^refs\/(heads|tags)\/[^\s:]+$/.test(ref), `GitHub ref "${ref}" must be refs/heads/BRANCH or refs/tags/TAG`);
    return `repo:${repo}:ref:${ref}`;
  }
  const env = exact(p.environment, 'GitHub environment');
  need(!env.includes(':'), `GitHub environment "${env}" must not contain ":"`);
  return `repo:${repo}:environment:${env}`;
}

function oidcProviderArn(acct: string, host: string): string {
  return `arn:aws:iam::${acct}:oidc-provider/${host}`;
}

/** The one trust statement for a principal; throws with what to fix when the principal is too broad. */
export function trustStatement(p: Principal): TrustStatement {
  switch (p.kind) {
    case undefined:
    case 'service': {
      need(/^[a-z0-9.-]+\.amazonaws\.com(\.cn)?$/.test(p.service ?? ''), `service principal "${p.service}" must look like NAME.amazonaws.com`);
      const conditions: Condition[] = [];
      if (p.sourceAccount !== undefined)
        conditions.push({ test: 'StringEquals', variable: 'aws:SourceAccount', values: [account(p.sourceAccount, 'sourceAccount')] });
      if (p.sourceArn !== undefined) {
        need(/^arn:aws[a-z-]*:[a-z0-9-]+:/.test(p.sourceArn), `sourceArn "${p.sourceArn}" must be an ARN`);
        conditions.push({ test: 'ArnLike', variable: 'aws:SourceArn', values: [p.sourceArn] });
      }
      return { actions: ['sts:AssumeRole'], principals: [{ type: 'Service', identifiers: [p.service] }], conditions };
    }
    case 'ecs-task': {
      const acct = account(p.account, 'ECS task account');
      const region = p.region ?? '*';
      return {
        actions: ['sts:AssumeRole'],
        principals: [{ type: 'Service', identifiers: ['ecs-tasks.amazonaws.com'] }],
        conditions: [
          { test: 'StringEquals', variable: 'aws:SourceAccount', values: [acct] },
          { test: 'ArnLike', variable: 'aws:SourceArn', values: [`arn:aws:ecs:${region}:${acct}:*`] },
        ],
      };
    }
    case 'lambda': {
      const acct = account(p.account, 'Lambda account');
      return {
        actions: ['sts:AssumeRole'],
        principals: [{ type: 'Service', identifiers: ['lambda.amazonaws.com'] }],
        conditions: [{ test: 'StringEquals', variable: 'aws:SourceAccount', values: [acct] }],
      };
    }
    case 'eks-service-account': {
      const acct = account(p.account, 'EKS OIDC provider account');
      const issuer = exact(p.issuer, 'EKS OIDC issuer')
        .replace(/^https:\/\//, '')
        .replace(/\/$/, '');
      need(
        /^oidc\.eks\.[a-z0-9-]+\.amazonaws\.com\/id\/[A-Za-z0-9]+$/.test(issuer),
        `EKS OIDC issuer "${p.issuer}" must be oidc.eks.REGION.amazonaws.com/id/ID`,
      );
      const ns = exact(p.namespace, 'Kubernetes namespace');
      const sa = exact(p.serviceAccount, 'Kubernetes service account');
      return {
        actions: ['sts:AssumeRoleWithWebIdentity'],
        principals: [{ type: 'Federated', identifiers: [oidcProviderArn(acct, issuer)] }],
        conditions: [
          { test: 'StringEquals', variable: `${issuer}:sub`, values: [`system:serviceaccount:${ns}:${sa}`] },
          { test: 'StringEquals', variable: `${issuer}:aud`, values: [STS_AUDIENCE] },
        ],
      };
    }
    case 'github-actions': {
      const acct = account(p.account, 'GitHub OIDC provider account');
      const sub = githubSubject(p);
      return {
        actions: ['sts:AssumeRoleWithWebIdentity'],
        principals: [{ type: 'Federated', identifiers: [oidcProviderArn(acct, GITHUB_OIDC_HOST)] }],
        conditions: [
          { test: 'StringEquals', variable: `${GITHUB_OIDC_HOST}:sub`, values: [sub] },
          { test: 'StringEquals', variable: `${GITHUB_OIDC_HOST}:aud`, values: [STS_AUDIENCE] },
        ],
      };
    }
    case 'account-principals': {
      need(Array.isArray(p.arns) && p.arns.length > 0, 'account principals need at least one role or user ARN');
      for (const a of p.arns) {
        need(!WILDCARD.test(a), `principal "${a}" contains a wildcard: name the roles or users`);
        need(IAM_PRINCIPAL_ARN.test(a), `principal "${a}" must be a role or user ARN (arn:aws:iam::ACCOUNT:role/NAME), not a whole account`);
      }
      return { actions: ['sts:AssumeRole'], principals: [{ type: 'AWS', identifiers: [...p.arns] }], conditions: [] };
    }
    case 'external-account': {
      const acct = account(p.account, 'external account');
      need(
        typeof p.externalId === 'string' && /^[\w+=,.@:/-]{2,1224}$/.test(p.externalId),
        'externalId is required: the value agreed with the third party, 2 to 1224 characters of A-Z a-z 0-9 + = , . @ : / - _',
      );
      const roles = p.roleArns ?? [];
      for (const r of roles) {
        need(
          IAM_PRINCIPAL_ARN.exec(r)?.[1] === acct && r.includes(':role/') && !WILDCARD.test(r),
          `role "${r}" must be a role of account ${acct}, without wildcards`,
        );
      }
      return {
        actions: ['sts:AssumeRole'],
        principals: [{ type: 'AWS', identifiers: roles.length ? [...roles] : [`arn:aws:iam::${acct}:root`] }],
        conditions: [{ test: 'StringEquals', variable: 'sts:ExternalId', values: [p.externalId] }],
      };
    }
    default:
      throw new Error(`unknown principal kind ${(p as { kind: string }).kind}`);
  }
}
