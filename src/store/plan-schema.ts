/**
 * The zod shape of a FixPlan and of a plan's record in the bot's state: plans are read back from state.json or
 * the state blob, and a damaged or hand-edited record must be reported, never acted upon.
 */
import { z } from 'zod';
import type { FixPlan } from '../domain/fix-plan';

const text = z.string().max(4096);
const ace = z.object({ sid: z.string().max(200), type: z.enum(['allow', 'deny']), mask: z.number().int().nonnegative(), principal: text.optional() });
const uint32 = z.number().int().min(0).max(0xffffffff);

const change = z.discriminatedUnion('attribute', [
  z.object({ attribute: z.literal('msDS-AllowedToDelegateTo'), add: z.array(text), remove: z.array(text) }),
  z.object({ attribute: z.literal('userAccountControl'), before: uint32, after: uint32 }),
  z.object({ attribute: z.literal('msDS-SupportedEncryptionTypes'), before: uint32.nullable(), after: uint32 }),
  z.object({ attribute: z.literal('msDS-AllowedToActOnBehalfOfOtherIdentity'), before: z.array(ace).nullable(), after: z.array(ace) }),
]);

export const fixPlanSchema: z.ZodType<FixPlan> = z.object({
  id: z.string().regex(/^[A-Za-z0-9_-]{8,64}$/),
  question: z.discriminatedUnion('kind', [
    z.object({ kind: z.literal('pair'), source: text, destination: text, storage: z.boolean(), fileServers: z.array(text).max(10) }),
    z.object({ kind: z.literal('host'), host: text, storage: z.boolean() }),
  ]),
  directory: text,
  takenAt: text,
  createdAt: text,
  objects: z
    .array(
      z.object({
        dn: text,
        name: text,
        kind: z.enum(['computer', 'user']),
        basis: z.object({
          allowedToDelegateTo: z.array(text),
          userAccountControl: uint32,
          supportedEncryptionTypes: uint32.nullable(),
          resourceBasedAces: z.array(ace).nullable().optional(),
        }),
        changes: z.array(change),
        rules: z.array(z.string().max(16)),
      }),
    )
    .max(50),
  refused: z.array(
    z.object({
      subject: text,
      rule: z.string().max(16),
      reason: z.enum(['domain-controller', 'krbtgt', 'delegation-to-dc', 'too-many-objects', 'not-in-directory', 'host-side']),
      detail: text,
    }),
  ),
  instructions: z.array(z.string().max(65_536)),
});
