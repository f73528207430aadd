import { KCD001 } from './KCD001-migration-delegation';
import { KCD002 } from './KCD002-cifs-delegation';
import { KCD003 } from './KCD003-file-server-delegation';
import { KCD004 } from './KCD004-kerberos-only';
import { KCD005 } from './KCD005-unconstrained-delegation';
import { KCD006 } from './KCD006-conflicting-flags';
import { KCD007 } from './KCD007-destination-spn';
import { KCD008 } from './KCD008-duplicate-spn';
import { KCD009 } from './KCD009-disabled-account';
import { KCD010 } from './KCD010-sensitive-user';
import { KCD011 } from './KCD011-protected-users';
import { KCD012 } from './KCD012-stale-delegation';
import { KCD013 } from './KCD013-cross-domain';
import { KCD014 } from './KCD014-resource-based-only';
import { KCD015 } from './KCD015-delegation-to-dc';
import { KCD016 } from './KCD016-reverse-direction';
import { KCD017 } from './KCD017-no-dns-host-name';
import { KCD018 } from './KCD018-rc4-only-host';
import { KCD019 } from './KCD019-rc4-only-user';
import { KCD020 } from './KCD020-sensitive-krbtgt';
import { KCD021 } from './KCD021-unconstrained-on-2025';
import { KCD022 } from './KCD022-no-migration-peers';
import { KCD023 } from './KCD023-des-only-host';
import { KCD024 } from './KCD024-generic-all-descriptor';
import { KCD025 } from './KCD025-dangling-descriptor-sid';
import { KCD026 } from './KCD026-denied-by-descriptor';
import type { Check } from './types';

/** The rule catalogue, in id order (README.md, "What is checked", lists them). */
export const CHECKS: readonly Check[] = [
  KCD001, KCD002, KCD003, KCD004, KCD005, KCD006, KCD007, KCD008, KCD009,
  KCD010, KCD011, KCD012, KCD013, KCD014, KCD015, KCD016, KCD017, KCD018, KCD019, KCD020, KCD021,
  KCD022, KCD023, KCD024, KCD025, KCD026,
];

export type { Check, HostContext, HostRole, PairContext, UserContext } from './types';
