/**
 * The IAM credential report: RFC 4180 CSV (csv-parse), where a user name may hold commas (IAM
 * allows `+=,.@_-`) and a crafted report quotes, doubles quotes or breaks lines inside a cell.
 * Each row is checked on its own: a row without the header's cells, without a user, whose ARN
 * does not name that user, or a user listed twice is not read (a problem, which the collector
 * turns into a gap) and never shifts its cells into other columns or other users.
 * Problems name row numbers and what is wrong, never the cells' text.
 */
import { parse } from 'csv-parse/sync';
import { dict } from '../dict.js';

/** One row of the report, by column name (prototype-free: the header is input). */
export type ReportRow = Record<string, string>;

export interface CredentialReport {
  rows: ReportRow[];
  /** Rows that could not be read, one line each (no cell text). */
  problems: string[];
}

/** Most rows a report is read with (AWS accounts hold at most 5,000 users). */
export const MAX_REPORT_ROWS = 100_000;

const csvProblem = (e: unknown): string => {
  const err = e as { code?: string; lines?: number };
  return `the credential report is not valid CSV (${err.code ?? 'CSV_ERROR'}${typeof err.lines === 'number' ? ` near line ${err.lines}` : ''})`;
};

/** The user an ARN names (`arn:aws:iam::123:user/path/name` is `name`), or undefined. */
function arnUser(arn: string): string | undefined {
  const at = arn.indexOf(':user/');
  if (!arn.startsWith('arn:') || at < 0) return undefined;
  const rest = arn.slice(at + ':user/'.length);
  return rest.slice(rest.lastIndexOf('/') + 1);
}

const ROOT = '<root_account>';

/** Parses the report; throws (one line, no cell text) when it is not CSV or has no usable header. */
export function parseCredentialReport(csv: string): CredentialReport {
  let records: string[][];
  try {
    records = parse(csv, { bom: true, relax_column_count: true, skip_empty_lines: true, to: MAX_REPORT_ROWS + 2 });
  } catch (e) {
    throw new Error(csvProblem(e));
  }
  const header = (records.shift() ?? []).map((h) => h.trim());
  const userAt = header.indexOf('user');
  const arnAt = header.indexOf('arn');
  if (userAt < 0 || !header.includes('password_enabled')) throw new Error('the credential report has no header row with user and password_enabled');
  if (new Set(header).size !== header.length) throw new Error('the credential report names a column twice');
  const problems: string[] = [];
  if (records.length > MAX_REPORT_ROWS) {
    problems.push(`has more than ${MAX_REPORT_ROWS.toLocaleString('en-US')} rows; the rows after them are not read`);
    records.length = MAX_REPORT_ROWS;
  }
  const byUser = new Map<string, ReportRow | null>();
  const order: string[] = [];
  records.forEach((cells, i) => {
    const at = `row ${i + 2}`;
    if (cells.length !== header.length)
      return void problems.push(`${at}: has ${cells.length} cells, the header ${header.length} (an unquoted comma in a user name?)`);
    const user = cells[userAt]!;
    if (user === '') return void problems.push(`${at}: names no user`);
    if (arnAt >= 0 && user !== ROOT && arnUser(cells[arnAt]!) !== user) return void problems.push(`${at}: its arn does not name its user`);
    if (byUser.has(user)) {
      if (byUser.get(user) !== null) problems.push(`${at}: lists a user a second time (neither row is read)`);
      byUser.set(user, null);
      return;
    }
    const row = dict<string>();
    header.forEach((h, j) => (row[h] = cells[j]!.trim()));
    byUser.set(user, row);
    order.push(user);
  });
  const rows = order.map((u) => byUser.get(u)).filter((r): r is ReportRow => r !== null && r !== undefined);
  return { rows, problems };
}
