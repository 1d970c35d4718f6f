/**
 * A fault-injecting HTTP proxy on 127.0.0.1 in front of an AWS-compatible endpoint (moto), for
 * tests of how clients survive a hostile AWS. Faults are set per API operation, recognized by
 * protocol: the query protocol (IAM, STS, RDS, EC2) names it in the `Action=` form field; the JSON
 * protocol (Secrets Manager, DynamoDB, KMS, HealthLake, Organizations) in the `X-Amz-Target`
 * header (`secretsmanager.ListSecrets`); S3 (REST) by method and path: `GET /` is ListBuckets,
 * `GET /<bucket>?tagging` GetBucketTagging; Lambda (REST-JSON) by path: `GET /2015-03-31/functions/`
 * is ListFunctions. A fault can be limited to one region (the request's signing scope), to one access key (one account's credentials) or to requests whose body
 * contains a text (an account id in an AssumeRole).
 *
 *   access-denied   an AccessDenied error in the service's protocol (403 XML / 400 JSON)
 *   throttle        a Throttling error (400), retryable by the SDK
 *   delay           hold the request `ms` before forwarding (beyond a client timeout)
 *   reset           destroy the connection (ECONNRESET at the client)
 *   truncate        forward, then answer with the first half of the real body (malformed)
 *   rewrite         forward, then answer with `rewrite(body)` (a crafted but well-formed answer)
 *
 * Each fault applies to the first `times` calls of its operation (default: every call), then
 * requests pass through. Generic and reusable; every wait is bounded and close() ends everything.
 */
import http from 'node:http';
import type { AddressInfo, Socket } from 'node:net';

export type FaultKind = 'access-denied' | 'throttle' | 'delay' | 'reset' | 'truncate' | 'rewrite';

export interface Fault {
  kind: FaultKind;
  /** How many calls of the operation get the fault (default: all). */
  times?: number;
  /** delay: milliseconds to hold the request (bounded to 60 s). */
  ms?: number;
  /** Only requests signed for this region. */
  region?: string;
  /** Only requests whose body contains this text (e.g. the account id of an AssumeRole RoleArn). */
  bodyIncludes?: string;
  /** Only requests signed with this access key id (one account's credentials). */
  accessKey?: string;
  /** rewrite: the body to answer with, from the real one. */
  rewrite?: (body: string) => string;
}

export interface FaultProxy {
  /** http://127.0.0.1:<port> */
  url: string;
  port: number;
  /** Sets the fault for an operation name, e.g. `ListSecrets`, `GetAccountAuthorizationDetails`. */
  setFault(operation: string, fault: Fault): void;
  clearFaults(): void;
  /** Calls seen for an operation since the proxy started (or since resetCounts). */
  calls(operation: string): number;
  /** `service:Operation` of every call seen (the service of the request's signing scope). */
  actions(): Set<string>;
  /** Calls that got a fault injected, by operation. */
  injected(operation: string): number;
  resetCounts(): void;
  close(): Promise<void>;
}

const MAX_BODY = 16 * 1024 * 1024;
const MAX_DELAY_MS = 60_000;

interface Parsed {
  accessKey: string;
  operation: string;
  protocol: 'query' | 'json' | 'rest-xml';
  service: string;
  region: string;
}

/** The S3 operations the collector calls, by method, path and query. */
function s3Operation(method: string | undefined, url: string | undefined): string {
  const u = new URL(url ?? '/', 'http://x');
  const bucket = u.pathname.split('/').filter(Boolean)[0];
  if (method === 'GET' && !bucket) return 'ListBuckets';
  if (u.searchParams.has('tagging')) return method === 'GET' ? 'GetBucketTagging' : method === 'PUT' ? 'PutBucketTagging' : 'DeleteBucketTagging';
  if (u.searchParams.has('location')) return 'GetBucketLocation';
  return `S3 ${method} ${bucket ? 'bucket' : '/'}`;
}

/** Lambda (REST-JSON) by method and path: `GET /2015-03-31/functions/` is ListFunctions. */
function lambdaOperation(method: string | undefined, url: string | undefined): string {
  const parts = new URL(url ?? '/', 'http://x').pathname.split('/').filter(Boolean);
  if (parts[1] === 'functions' && parts.length === 2)
    return method === 'GET' ? 'ListFunctions' : method === 'POST' ? 'CreateFunction' : `Lambda ${method} functions`;
  return `Lambda ${method} ${parts.slice(1).join('/')}`;
}

/** Batch (REST-JSON) by path: `POST /v1/describejobdefinitions` is DescribeJobDefinitions. */
const BATCH_OPERATIONS = new Map([
  ['describejobdefinitions', 'DescribeJobDefinitions'],
  ['registerjobdefinition', 'RegisterJobDefinition'],
]);

function batchOperation(method: string | undefined, url: string | undefined): string {
  const parts = new URL(url ?? '/', 'http://x').pathname.split('/').filter(Boolean);
  return (parts[0] === 'v1' && parts.length === 2 ? BATCH_OPERATIONS.get(parts[1]!.toLowerCase()) : undefined) ?? `Batch ${method} ${parts.join('/')}`;
}

/** The AWS operation of a request: X-Amz-Target (JSON protocol) or Action= (query protocol). */
function operationOf(req: http.IncomingMessage, body: string): Parsed {
  const headers = req.headers;
  const target = headers['x-amz-target'];
  const auth = String(headers.authorization ?? '');
  const scope = /Credential=[^/]+\/\d{8}\/([^/]+)\/([^/]+)\//.exec(auth);
  const service = scope?.[2] ?? 'unknown';
  const accessKey = /Credential=([^/]+)\//.exec(auth)?.[1] ?? '';
  const region = scope?.[1] ?? 'unknown';
  if (typeof target === 'string' && target.includes('.'))
    return { operation: target.slice(target.lastIndexOf('.') + 1), protocol: 'json', service, region, accessKey };
  if (service === 's3') return { operation: s3Operation(req.method, req.url), protocol: 'rest-xml', service, region, accessKey };
  // Lambda errors are JSON with the error type in the body, as the JSON protocol's.
  if (service === 'lambda') return { operation: lambdaOperation(req.method, req.url), protocol: 'json', service, region, accessKey };
  if (service === 'batch') return { operation: batchOperation(req.method, req.url), protocol: 'json', service, region, accessKey };
  const action = new URLSearchParams(body).get('Action');
  return { operation: action ?? 'unknown', protocol: 'query', service, region, accessKey };
}

function errorResponse(p: Parsed, code: string, status: number, message: string): { status: number; headers: Record<string, string>; body: string } {
  if (p.protocol === 'json') {
    return { status, headers: { 'content-type': 'application/x-amz-json-1.1' }, body: JSON.stringify({ __type: code, message }) };
  }
  if (p.protocol === 'rest-xml') {
    return {
      status,
      headers: { 'content-type': 'application/xml' },
      body: `<?xml version="1.0" encoding="UTF-8"?><Error><Code>${code}</Code><Message>${message}</Message><RequestId>fault-proxy-0000</RequestId></Error>`,
    };
  }
  if (p.service === 'ec2') {
    return {
      status,
      headers: { 'content-type': 'text/xml' },
      body: `<?xml version="1.0" encoding="UTF-8"?><Response><Errors><Error><Code>${code}</Code><Message>${message}</Message></Error></Errors><RequestID>fault-proxy-0000</RequestID></Response>`,
    };
  }
  const ns = p.service === 'sts' ? 'https://sts.amazonaws.com/doc/2011-06-15/' : 'https://iam.amazonaws.com/doc/2010-05-08/';
  const body = `<ErrorResponse xmlns="${ns}"><Error><Type>Sender</Type><Code>${code}</Code><Message>${message}</Message></Error><RequestId>fault-proxy-0000</RequestId></ErrorResponse>`;
  return { status, headers: { 'content-type': 'text/xml' }, body };
}

export async function startFaultProxy(target: string): Promise<FaultProxy> {
  const upstream = new URL(target);
  const faults = new Map<string, Fault>();
  const seen = new Map<string, number>();
  const seenActions = new Set<string>();
  const hit = new Map<string, number>();
  const sockets = new Set<Socket>();
  const timers = new Set<NodeJS.Timeout>();
  let closing = false;

  const bump = (m: Map<string, number>, k: string) => m.set(k, (m.get(k) ?? 0) + 1);

  const forward = (
    req: http.IncomingMessage,
    body: Buffer,
    onResponse: (status: number, headers: http.IncomingHttpHeaders, data: Buffer) => void,
    onError: () => void,
  ) => {
    const up = http.request(
      { host: upstream.hostname, port: upstream.port, method: req.method, path: req.url, headers: req.headers, timeout: 30_000 },
      (res) => {
        const chunks: Buffer[] = [];
        let size = 0;
        res.on('data', (c: Buffer) => {
          size += c.length;
          if (size <= MAX_BODY) chunks.push(c);
        });
        res.on('end', () => onResponse(res.statusCode ?? 502, res.headers, Buffer.concat(chunks)));
        res.on('error', onError);
      },
    );
    up.on('timeout', () => up.destroy(new Error('upstream timeout')));
    up.on('error', onError);
    up.end(body);
  };

  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (c: Buffer) => {
      size += c.length;
      if (size > MAX_BODY) req.destroy();
      else chunks.push(c);
    });
    req.on('end', () => {
      const body = Buffer.concat(chunks);
      const text = body.toString('utf8');
      const p = operationOf(req, text);
      bump(seen, p.operation);
      seenActions.add(`${p.service}:${p.operation}`);
      const f = faults.get(p.operation);
      const applies =
        f !== undefined &&
        (f.region === undefined || f.region === p.region) &&
        (f.bodyIncludes === undefined || text.includes(f.bodyIncludes)) &&
        (f.accessKey === undefined || f.accessKey === p.accessKey);
      const active = applies && (f.times === undefined || (hit.get(p.operation) ?? 0) < f.times);
      if (active) bump(hit, p.operation);
      const send = (status: number, headers: Record<string, string | string[] | undefined>, data: Buffer | string) => {
        if (res.destroyed || res.writableEnded) return;
        const h = { ...headers };
        delete h['transfer-encoding'];
        delete h['content-length'];
        res.writeHead(status, { ...h, 'content-length': String(Buffer.byteLength(data)) });
        res.end(data);
      };
      const pass = () =>
        forward(
          req,
          body,
          (status, headers, data) => send(status, headers, data),
          () => res.destroy(),
        );
      if (!active) return pass();
      switch (f.kind) {
        case 'access-denied': {
          const e = errorResponse(
            p,
            p.protocol === 'json' ? 'AccessDeniedException' : p.service === 'ec2' ? 'UnauthorizedOperation' : 'AccessDenied',
            p.protocol === 'json' ? 400 : 403,
            `User: arn:aws:sts::123456789012:assumed-role/scanner/test is not authorized to perform: ${p.service}:${p.operation}`,
          );
          return send(e.status, e.headers, e.body);
        }
        case 'throttle': {
          const e = errorResponse(p, p.protocol === 'json' ? 'ThrottlingException' : 'Throttling', 400, 'Rate exceeded');
          return send(e.status, e.headers, e.body);
        }
        case 'delay': {
          const t = setTimeout(
            () => {
              timers.delete(t);
              if (!res.destroyed) pass();
            },
            Math.min(f.ms ?? 5_000, MAX_DELAY_MS),
          );
          timers.add(t);
          res.on('close', () => {
            clearTimeout(t);
            timers.delete(t);
          });
          return;
        }
        case 'reset':
          req.socket.destroy();
          return;
        case 'truncate':
          return forward(
            req,
            body,
            (status, headers, data) => send(status, headers, data.subarray(0, Math.floor(data.length / 2))),
            () => res.destroy(),
          );
        case 'rewrite':
          return forward(
            req,
            body,
            (status, headers, data) => send(status, headers, (f.rewrite ?? ((b: string) => b))(data.toString('utf8'))),
            () => res.destroy(),
          );
      }
    });
  });
  server.on('connection', (s) => {
    if (closing) return void s.destroy();
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const port = (server.address() as AddressInfo).port;
  return {
    url: `http://127.0.0.1:${port}`,
    port,
    setFault: (op, fault) => void faults.set(op, fault),
    clearFaults: () => {
      faults.clear();
      hit.clear();
    },
    calls: (op) => seen.get(op) ?? 0,
    actions: () => new Set(seenActions),
    injected: (op) => hit.get(op) ?? 0,
    resetCounts: () => {
      seen.clear();
      seenActions.clear();
      hit.clear();
    },
    close: async () => {
      closing = true;
      for (const t of timers) clearTimeout(t);
      timers.clear();
      for (const s of sockets) s.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
