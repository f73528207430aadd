/**
 * The topics `/kcd explain <topic>` knows, each with the words people use for it. The parser maps any
 * synonym to the topic id; the explain card (another module) keys its text on the id.
 */

export type TopicId =
  | 'spn'
  | 'upn'
  | 'kdc'
  | 'constrained-delegation'
  | 'protocol-transition'
  | 'unconstrained-delegation'
  | 'protected-users'
  | 'duplicate-spn';

export interface Topic {
  id: TopicId;
  title: string;
  /** Lower-case words and phrases that name the topic (matched on word boundaries, longest first). */
  synonyms: readonly string[];
}

export const TOPICS: readonly Topic[] = [
  {
    id: 'spn',
    title: 'Service principal names (SPN)',
    synonyms: ['spn', 'spns', 'service principal name', 'service principal names', 'serviceprincipalname', 'setspn', 'migration service spn', 'cifs spn'],
  },
  {
    id: 'upn',
    title: 'User principal names (UPN)',
    synonyms: ['upn', 'upns', 'user principal name', 'user principal names', 'userprincipalname'],
  },
  {
    id: 'kdc',
    title: 'The KDC, TGTs and service tickets',
    synonyms: [
      'kdc', 'key distribution center', 'key distribution centre', 'tgt', 'tgts', 'tgs', 'ticket granting ticket',
      'ticket-granting ticket', 'ticket granting service', 'service ticket', 'service tickets', 'kerberos ticket',
      'kerberos tickets', 'ticket in kerberos', 'krbtgt', 'klist', 'kerberos',
    ],
  },
  {
    id: 'constrained-delegation',
    title: 'Kerberos constrained delegation (KCD)',
    synonyms: [
      'constrained delegation', 'kerberos constrained delegation', 'constrained', 'kcd', 'msds-allowedtodelegateto', 'allowedtodelegateto',
      'delegation tab', 'kerberos delegation', 'delegation', 'resource based delegation', 'resource-based delegation',
      'resource based constrained delegation', 'resource-based constrained delegation', 'rbcd',
      'msds-allowedtoactonbehalfofotheridentity', 'allowedtoactonbehalfofotheridentity',
    ],
  },
  {
    id: 'protocol-transition',
    title: 'Protocol transition ("use any authentication protocol")',
    synonyms: [
      'protocol transition', 'protocol-transition', 'any authentication protocol', 'use any authentication protocol',
      'any protocol', 's4u', 's4u2self', 's4u2proxy', 'kerberos only', 'kerberos-only', 'trusted to auth for delegation',
      'trusted to authenticate for delegation', 'trustedtoauthfordelegation', 'trusted_to_auth_for_delegation',
    ],
  },
  {
    id: 'unconstrained-delegation',
    title: 'Unconstrained delegation',
    synonyms: [
      'unconstrained delegation', 'unconstrained', 'trust this computer for delegation to any service',
      'delegation to any service', 'trusted for delegation', 'trustedfordelegation', 'trusted_for_delegation',
    ],
  },
  {
    id: 'protected-users',
    title: 'Protected Users and sensitive accounts',
    synonyms: [
      'protected users', 'protected user', 'protected users group', 'sensitive account', 'sensitive accounts', 'sensitive',
      'account is sensitive and cannot be delegated', 'cannot be delegated', 'not delegated', 'not_delegated', 'notdelegated',
    ],
  },
  {
    id: 'duplicate-spn',
    title: 'Duplicate SPNs',
    synonyms: [
      'duplicate spn', 'duplicate spns', 'duplicated spn', 'duplicated spns', 'duplicate service principal name',
      'duplicate service principal names', 'spn duplicates', 'setspn -x', '0x80090322', 'target principal name is incorrect',
    ],
  },
];

export const TOPIC_IDS: readonly TopicId[] = TOPICS.map((t) => t.id);

function escapeRegExp(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/** Every synonym with its topic, longest first, so "unconstrained delegation" wins over "delegation". */
const MATCHERS: ReadonlyArray<{ re: RegExp; probe: string; id: TopicId }> = TOPICS.flatMap((t) => [t.id, ...t.synonyms].map((s) => ({ s, id: t.id })))
  .sort((a, b) => b.s.length - a.s.length)
  .map(({ s, id }) => ({
    re: new RegExp(`(?<![\\p{L}\\p{N}])${escapeRegExp(s).replace(/[ -]/g, '[\\s_-]*')}(?![\\p{L}\\p{N}])`, 'iu'),
    // A cheap test first: the synonym's first word must occur in the text.
    probe: s.split(/[ -]/)[0]!,
    id,
  }));

/**
 * The topic a text is about, or undefined. When several topics are named ("UPN vs SPN"), the one named
 * first wins; a longer phrase wins over a shorter one at the same place.
 */
export function findTopic(text: string): TopicId | undefined {
  // "kcd" is also the bot's name: "kcd bot", "use kcd" are about the bot, not constrained delegation.
  const about = text.slice(0, 2000).replace(/\bkcd[- ]?bot\b|\b(?:use|using|with|about) kcd\b/gi, ' ');
  const lower = about.toLowerCase();
  let best: { at: number; length: number; id: TopicId } | undefined;
  for (const { re, probe, id } of MATCHERS) {
    if (!lower.includes(probe)) continue;
    const m = re.exec(about);
    if (!m) continue;
    if (!best || m.index < best.at || (m.index === best.at && m[0].length > best.length)) best = { at: m.index, length: m[0].length, id };
  }
  return best?.id;
}

export function isTopicId(value: string): value is TopicId {
  return (TOPIC_IDS as readonly string[]).includes(value);
}
