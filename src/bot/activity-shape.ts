/**
 * The shape of what arrives at /api/messages, checked before the Bot Framework adapter sees it. The adapter
 * answers a body without `type` with a 500 and lets one without a conversation or serviceUrl fail inside
 * the turn; a malformed request is the caller's mistake, so it gets a 400 that says what is wrong.
 */
import { z } from 'zod';

const id = z.string().min(1).max(1024);

const activityShape = z.looseObject({
  type: z.string().min(1).max(64),
  channelId: z.string().min(1).max(64),
  serviceUrl: z.url({ protocol: /^https?$/ }).max(2048),
  conversation: z.looseObject({ id }),
  from: z.looseObject({ id }).optional(),
});

export type ActivityShapeResult = { ok: true } | { ok: false; problem: string };

export function checkActivityShape(body: unknown): ActivityShapeResult {
  const parsed = activityShape.safeParse(body);
  if (parsed.success) return { ok: true };
  const issue = parsed.error.issues[0];
  const where = issue && issue.path.length > 0 ? issue.path.join('.') : 'body';
  return { ok: false, problem: `${where}: ${issue?.message ?? 'not an activity'}` };
}
