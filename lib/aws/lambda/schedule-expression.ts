import { cronFields } from '../../core/cron';

const DAY_NAMES = ['SUN', 'MON', 'TUE', 'WED', 'THU', 'FRI', 'SAT'] as const;

/** Renders a sorted set of numbers as AWS cron list syntax: `a-b` runs, `a/s` progressions to the field's end. */
function renderList(values: readonly number[], fieldMax: number, name?: (n: number) => string): string {
  const v = [...new Set(values)].sort((a, b) => a - b);
  // AWS takes `/` increments in every field but day-of-week (rendered with names).
  if (!name && v.length >= 3) {
    const step = v[1] - v[0];
    const progression = step > 1 && v.every((x, i) => x === v[0] + i * step) && v[v.length - 1] + step > fieldMax;
    if (progression) return `${v[0]}/${step}`;
  }
  const label = name ?? String;
  const parts: string[] = [];
  for (let i = 0; i < v.length;) {
    let j = i;
    while (j + 1 < v.length && v[j + 1] === v[j] + 1) j++;
    parts.push(
      j - i >= 2
        ? `${label(v[i])}-${label(v[j])}`
        : v
            .slice(i, j + 1)
            .map(label)
            .join(','),
    );
    i = j + 1;
  }
  return parts.join(',');
}

/** A 5-field cron that EventBridge Scheduler cannot run, with the reason. */
export class CronConversionError extends Error {}

/**
 * Converts a standard 5-field cron (`min hour day-of-month month day-of-week`, Sunday = 0 or 7)
 * to EventBridge Scheduler's 6-field `cron(min hour dom month dow year)` (Sunday = 1, exactly
 * one of dom/dow is `?`). Throws CronConversionError for what AWS cannot express: both day
 * fields restricted (cron ORs them; AWS has no OR) and `H` hashes.
 */
export function awsScheduleExpression(expr: string): string {
  const raw = expr.trim().split(/\s+/);
  if (raw.length !== 5) throw new CronConversionError(`must be a 5-field cron expression "min hour day month weekday" (has ${raw.length} fields)`);
  if (raw.some((f) => /H/i.test(f.replace(/THU/gi, '')))) throw new CronConversionError('uses "H" (hashed values), which EventBridge Scheduler does not support');
  let fields;
  try {
    fields = cronFields(expr);
  } catch (e) {
    throw new CronConversionError(`is not a valid cron expression: ${(e as Error).message}`);
  }
  const minute = fields.minute.isWildcard ? '*' : renderList(fields.minute.values as number[], 59);
  const hour = fields.hour.isWildcard ? '*' : renderList(fields.hour.values as number[], 23);
  const month = fields.month.isWildcard ? '*' : renderList(fields.month.values as number[], 12);

  const domValues = fields.dayOfMonth.values as (number | 'L')[];
  const domRestricted = !fields.dayOfMonth.isWildcard;
  const dowValues = fields.dayOfWeek.values as (number | string)[];
  const dowDays = new Set(dowValues.filter((d): d is number => typeof d === 'number').map((d) => d % 7));
  const nth = fields.dayOfWeek.nthDay;
  const dowLast = dowValues.find((d): d is string => typeof d === 'string' && d.endsWith('L'));
  const dowRestricted = !fields.dayOfWeek.isWildcard && !(dowDays.size === 7 && !nth && !dowLast);
  if (domRestricted && dowRestricted) {
    throw new CronConversionError('restricts both day-of-month and day-of-week; cron runs when either matches, which EventBridge Scheduler cannot express — use two schedule triggers');
  }
  let dom = '?';
  let dow = '?';
  if (dowRestricted) {
    // AWS numbers weekdays 1 (SUN) – 7 (SAT); names avoid the off-by-one entirely.
    if (dowLast) dow = `${(Number(dowLast.slice(0, -1)) % 7) + 1}L`;
    else if (nth) dow = `${[...dowDays][0] + 1}#${nth}`;
    else dow = renderList([...dowDays], 6, (d) => DAY_NAMES[d]);
  } else {
    dom = !domRestricted ? '*' : domValues.includes('L') ? 'L' : renderList(domValues as number[], 31);
  }
  return `cron(${minute} ${hour} ${dom} ${month} ${dow} *)`;
}
