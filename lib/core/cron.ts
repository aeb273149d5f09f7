import { CronExpressionParser, type CronFieldCollection } from 'cron-parser';

const parsed = new Map<string, CronFieldCollection | Error>();

function parse(expr: string, tz: string | undefined): CronFieldCollection | Error {
  const key = `${tz ?? ''}\n${expr}`;
  let r = parsed.get(key);
  if (r === undefined) {
    try {
      r = CronExpressionParser.parse(expr, tz === undefined ? undefined : { tz }).fields;
    } catch (e) {
      r = e instanceof Error ? e : new Error(String(e));
    }
    parsed.set(key, r);
  }
  return r;
}

/**
 * Why cron-parser refuses `expr` (in zone `tz`), or undefined when it accepts it. Each
 * expression is parsed once per process: the spec, every environment's constructs and the
 * Lambda schedules check the same few schedules again and again.
 */
export function cronProblem(expr: string, tz?: string): string | undefined {
  const r = parse(expr, tz);
  return r instanceof Error ? r.message : undefined;
}

/** The parsed fields of `expr` (parsed once per process); throws cron-parser's error for an invalid one. */
export function cronFields(expr: string): CronFieldCollection {
  const r = parse(expr, undefined);
  if (r instanceof Error) throw r;
  return r;
}
