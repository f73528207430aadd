/**
 * A DirectoryWriter over a DirectoryData held in memory (and, when given a file, kept there as a snapshot file
 * so `kcd --directory FILE` reads the written values back). Same rule as the LDAP writer: every object's basis
 * is compared with what is held now, and nothing is written when any differs; then one object after another.
 */
import { writeFileSync } from 'node:fs';
import type { ApplyOutcome, BasisDifference, DirectoryWriter, FixPlan, ObjectOutcome, PlanAttribute, PlannedAce, PlanObject } from '../../src/apply/types';
import { isProtectedComputer } from '../../src/apply/planner';
import { serializeSnapshot } from '../../src/directory/snapshot-format';
import type { Computer, DirectoryData, User } from '../../src/domain/model';

export interface MemoryWriterOptions {
  /** Where to keep the data as a snapshot file after each write. */
  file?: string;
  /** Fail the write of the object with this DN (after the ones before it were written). */
  failOn?: string;
}

const lowerSet = (values: readonly string[]) => JSON.stringify([...new Set(values.map((v) => v.toLowerCase()))].sort());
const acesText = (aces: readonly PlannedAce[] | null | undefined) =>
  aces == null || aces.length === 0 ? 'absent' : JSON.stringify(aces.map((a) => ({ sid: a.sid.toUpperCase(), type: a.type, mask: a.mask })));

export class MemoryDirectoryWriter implements DirectoryWriter {
  /** Every apply() call's plan id, in order. */
  readonly applied: string[] = [];
  closed = false;

  constructor(
    readonly data: DirectoryData,
    private readonly options: MemoryWriterOptions = {},
  ) {}

  describe(): string {
    return 'memory';
  }

  private find(dn: string): Computer | User | undefined {
    const key = dn.toLowerCase();
    return this.data.computers.find((c) => c.distinguishedName.toLowerCase() === key) ?? this.data.users.find((u) => u.distinguishedName.toLowerCase() === key);
  }

  private differences(o: PlanObject): BasisDifference[] {
    const now = this.find(o.dn);
    if (!now) return [{ dn: o.dn, attribute: 'object', planned: 'present', now: 'absent' }];
    const out: BasisDifference[] = [];
    const differ = (attribute: BasisDifference['attribute'], planned: string, current: string) => {
      if (planned !== current) out.push({ dn: o.dn, attribute, planned, now: current });
    };
    differ('msDS-AllowedToDelegateTo', lowerSet(o.basis.allowedToDelegateTo), lowerSet('allowedToDelegateTo' in now ? now.allowedToDelegateTo : []));
    differ('userAccountControl', String(o.basis.userAccountControl), String(now.userAccountControl));
    differ('msDS-SupportedEncryptionTypes', String(o.basis.supportedEncryptionTypes ?? 'absent'), String(now.supportedEncryptionTypes ?? 'absent'));
    if (o.basis.resourceBasedAces !== undefined) {
      differ('msDS-AllowedToActOnBehalfOfOtherIdentity', acesText(o.basis.resourceBasedAces), acesText('resourceBasedAces' in now ? now.resourceBasedAces : undefined));
    }
    return out;
  }

  private write(o: PlanObject): ObjectOutcome {
    const target = this.find(o.dn)!;
    const before: Partial<Record<PlanAttribute, string[]>> = {};
    const after: Partial<Record<PlanAttribute, string[]>> = {};
    for (const change of o.changes) {
      switch (change.attribute) {
        case 'msDS-AllowedToDelegateTo': {
          const c = target as Computer;
          before[change.attribute] = [...c.allowedToDelegateTo];
          const removed = new Set(change.remove.map((v) => v.toLowerCase()));
          c.allowedToDelegateTo = [...c.allowedToDelegateTo.filter((v) => !removed.has(v.toLowerCase())), ...change.add];
          after[change.attribute] = [...c.allowedToDelegateTo];
          break;
        }
        case 'userAccountControl':
          before[change.attribute] = [String(target.userAccountControl)];
          target.userAccountControl = change.after;
          after[change.attribute] = [String(change.after)];
          break;
        case 'msDS-SupportedEncryptionTypes':
          before[change.attribute] = target.supportedEncryptionTypes === undefined ? [] : [String(target.supportedEncryptionTypes)];
          target.supportedEncryptionTypes = change.after;
          after[change.attribute] = [String(change.after)];
          break;
        case 'msDS-AllowedToActOnBehalfOfOtherIdentity': {
          const c = target as Computer;
          before[change.attribute] = (c.resourceBasedAces ?? []).map((a) => `${a.type}:${a.sid}:${a.mask}`);
          c.resourceBasedAces = change.after.map((a) => ({ sid: a.sid, type: a.type, mask: a.mask, ...(a.principal ? { principal: a.principal } : {}) }));
          c.allowedToActOnBehalfOf = [...new Set(c.resourceBasedAces.filter((a) => a.type === 'allow').map((a) => a.principal ?? a.sid))];
          after[change.attribute] = c.resourceBasedAces.map((a) => `${a.type}:${a.sid}:${a.mask}`);
          break;
        }
      }
    }
    return { dn: o.dn, status: 'written', before, after };
  }

  apply(plan: FixPlan): Promise<ApplyOutcome> {
    return Promise.resolve(this.applyNow(plan));
  }

  private applyNow(plan: FixPlan): ApplyOutcome {
    this.applied.push(plan.id);
    const differences = plan.objects.flatMap((o) => this.differences(o));
    if (differences.length > 0) return { status: 'changed', differences };
    const objects: ObjectOutcome[] = [];
    try {
      for (const o of plan.objects) {
        const target = this.find(o.dn)!;
        if ('servicePrincipalNames' in target && isProtectedComputer(target)) {
          return { status: 'failed', cause: 'protected-object', detail: `${o.dn} is a domain controller`, failedDn: o.dn, objects };
        }
        if (this.options.failOn?.toLowerCase() === o.dn.toLowerCase()) {
          return { status: 'failed', cause: 'insufficient-rights', detail: 'the write account may not change this object', failedDn: o.dn, objects };
        }
        objects.push(this.write(o));
      }
      return { status: 'applied', objects };
    } finally {
      if (this.options.file) writeFileSync(this.options.file, serializeSnapshot(this.data));
    }
  }

  close(): Promise<void> {
    this.closed = true;
    return Promise.resolve();
  }
}
