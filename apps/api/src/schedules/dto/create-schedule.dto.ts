import { CronExpressionParser } from 'cron-parser';
import { z } from 'zod';

function validTimeZone(tz: string): boolean {
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: tz });
    return true;
  } catch {
    return false;
  }
}

/** POST /schedules. Exactly one of sweepId (reproduce that sweep) or spec (run it, then reproduce its first run). */
export const CreateScheduleBody = z
  .strictObject({
    name: z.string().min(1).max(200).refine((s) => !s.includes('\u0000'), { error: 'must not contain the NUL character (it cannot be stored)' }).optional(),
    sweepId: z.uuid().optional(),
    spec: z.record(z.string(), z.unknown()).optional(),
    cron: z.string().min(1).max(200),
    timeZone: z.string().default('UTC').refine(validTimeZone, { error: 'must be an IANA time zone such as Europe/Paris' }),
    mode: z.enum(['full', 'top-k']).default('full'),
    topK: z.number().int().min(1).max(10_000).optional(),
    tolerance: z.number().min(0).max(1e9).default(0.02),
    extraSeeds: z.number().int().min(0).max(100).default(0),
    webhookUrl: z.url({ protocol: /^https?$/, error: 'must be an https:// URL' }).max(2000).optional(),
  })
  .superRefine((b, ctx) => {
    if (!b.sweepId === !b.spec) ctx.addIssue({ code: 'custom', path: ['sweepId'], message: 'give either sweepId or spec' });
    if (b.mode === 'top-k' && b.topK === undefined) ctx.addIssue({ code: 'custom', path: ['topK'], message: "required when mode is 'top-k'" });
    try {
      CronExpressionParser.parse(b.cron, { tz: b.timeZone });
    } catch (err) {
      ctx.addIssue({ code: 'custom', path: ['cron'], message: `not a cron expression: ${(err as Error).message}` });
    }
  });
export type CreateScheduleBody = z.infer<typeof CreateScheduleBody>;

/**
 * The shortest gap, in seconds, between consecutive ticks among a cron's next 100 (from now). A
 * cron's densest stretch comes round every day, hour or minute, so its first 100 ticks show it.
 */
export function smallestCronInterval(cron: string, timeZone: string, from: Date = new Date()): number {
  const ticks = CronExpressionParser.parse(cron, { tz: timeZone, currentDate: from }).take(100).map((d) => d.getTime());
  let min = Infinity;
  for (let i = 1; i < ticks.length; i++) min = Math.min(min, (ticks[i]! - ticks[i - 1]!) / 1000);
  return min;
}
