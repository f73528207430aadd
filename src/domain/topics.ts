/**
 * The Kerberos terms kcd explains, one entry per topic with everything about it: the words that name it in
 * a sentence (the parser's `synonyms`), the names `/kcd explain <name>` accepts (`aliases`), and the
 * explanation the card shows. Which rules a topic covers is not listed here: each rule names its topics
 * (Check.topics), and the card asks the rules.
 */

export type TopicId =
  | 'spn'
  | 'upn'
  | 'kdc'
  | 'constrained-delegation'
  | 'protocol-transition'
  | 'unconstrained-delegation'
  | 'protected-users'
  | 'duplicate-spn'
  | 'rc4'
  | 'credential-guard';

export interface Topic {
  id: TopicId;
  title: string;
  /** A button-sized name ("Protocol transition"). */
  short: string;
  /** Names `/kcd explain <name>` accepts, lower case (besides the id and the title). */
  aliases: readonly string[];
  /** Lower-case words and phrases that name the topic in a sentence (the parser matches them on word boundaries, longest first). */
  synonyms: readonly string[];
  /** A few short paragraphs, plain English. */
  explanation: readonly string[];
  /** What it means for live migration, in one paragraph. */
  forLiveMigration: string;
  /** Commands that show the state, each with a comment saying what to look for. */
  validate: ReadonlyArray<{ command: string; note: string }>;
  /** Other topic ids worth reading next. */
  related: readonly TopicId[];
}

export const TOPICS: readonly Topic[] = [
  {
    id: 'upn',
    short: 'UPN',
    title: 'UPN (user principal name)',
    aliases: ['upn', 'upns', 'user principal name', 'userprincipalname', 'logon name', 'user logon name'],
    synonyms: ['upn', 'upns', 'user principal name', 'user principal names', 'userprincipalname'],
    explanation: [
      'A UPN is the sign-in name of a user account, such as alice@contoso.com: the two "User logon name" fields in Active Directory Users and Computers joined together. It is stored in one single-valued attribute, userPrincipalName.',
      'Only user accounts have a UPN. Computer accounts such as GOGO-3 do not: they are known by their name (GOGO-3$) and their SPNs.',
      'A UPN must be unique in the whole forest. If two accounts share one, the KDC finds both when it looks the name up, and sign-in fails for both of them.',
    ],
    forLiveMigration:
      'The UPN identifies you, the admin who starts the move. Delegation acts as you, so your own account must be allowed to be delegated: kcd checks it (not "sensitive", not in Protected Users) when it knows who is asking.',
    validate: [
      { command: 'Get-ADUser alice -Properties UserPrincipalName, AccountNotDelegated | Select Name, UserPrincipalName, AccountNotDelegated', note: 'your UPN, and whether the account is marked sensitive' },
      { command: 'Get-ADUser -Filter "UserPrincipalName -eq \'alice@contoso.com\'" | Select Name', note: 'exactly one account may come back' },
      { command: 'whoami /upn', note: 'the UPN you are signed in with' },
    ],
    related: ['protected-users', 'spn'],
  },
  {
    id: 'spn',
    short: 'SPN',
    title: 'SPN (service principal name)',
    aliases: ['spn', 'spns', 'service principal name', 'service principal names', 'serviceprincipalname', 'setspn'],
    synonyms: ['spn', 'spns', 'service principal name', 'service principal names', 'serviceprincipalname', 'setspn', 'migration service spn', 'cifs spn'],
    explanation: [
      'An SPN names a service that runs under an account, written serviceclass/host: cifs/fhost1.contoso.com (file sharing), Microsoft Virtual System Migration Service/GOGO-4 (live migration). Kerberos tickets are issued for an SPN, so the KDC must find exactly one account that holds it.',
      'Computer accounts get their SPNs automatically: HOST/GOGO-4 and HOST/gogo-4.contoso.com when the computer joins (HOST/ also stands for cifs and other built-in services), and Hyper-V\'s management service (VMMS) registers "Microsoft Virtual System Migration Service", "Microsoft Virtual Console Service" and "Hyper-V Replica Service" on the host\'s own computer account. If it cannot, you see event 14050.',
      'User accounts get SPNs only when a service runs as that user (a "service account"), for example SQL Server or an IIS application pool. SPNs must be unique in the whole forest.',
    ],
    forLiveMigration:
      'The destination must hold its migration SPN, or there is nothing to delegate to. The Delegation tab in Active Directory Users and Computers only appears on accounts that have an SPN. Register both name forms (GOGO-4 and gogo-4.contoso.com): the client asks for a ticket to the name you typed.',
    validate: [
      { command: 'setspn -L GOGO-4', note: 'every SPN on GOGO-4: look for both Microsoft Virtual System Migration Service lines' },
      { command: 'setspn -Q "Microsoft Virtual System Migration Service/gogo-4.contoso.com"', note: 'which account holds this SPN' },
      { command: 'Get-ADComputer GOGO-4 -Properties DNSHostName, ServicePrincipalName | Select -ExpandProperty ServicePrincipalName', note: 'the same from PowerShell' },
    ],
    related: ['duplicate-spn', 'constrained-delegation'],
  },
  {
    id: 'kdc',
    short: 'KDC, TGT and TGS',
    title: 'KDC, TGT and TGS (Kerberos tickets)',
    aliases: [
      'kdc', 'tgt', 'tgs', 'kerberos', 'ticket', 'tickets', 'service ticket', 'key distribution center',
      'ticket granting ticket', 'ticket-granting ticket', 'ticket granting service', 'ticket-granting service', 'klist',
    ],
    synonyms: [
      'kdc', 'key distribution center', 'key distribution centre', 'tgt', 'tgts', 'tgs', 'ticket granting ticket',
      'ticket-granting ticket', 'ticket granting service', 'service ticket', 'service tickets', 'kerberos ticket',
      'kerberos tickets', 'ticket in kerberos', 'krbtgt', 'klist', 'kerberos',
    ],
    explanation: [
      'The KDC (Key Distribution Center) is the Kerberos service that runs on every domain controller; in Services it is "Kerberos Key Distribution Center". It authenticates users and computers when Kerberos is used.',
      'It has two parts. The Authentication Server (AS) checks who you are when you sign in and gives you a TGT (ticket-granting ticket). The Ticket-Granting Service (TGS) takes your TGT and gives you a service ticket for one SPN, such as cifs/gogo-4.contoso.com. TGTs and service tickets are the only two kinds of ticket the KDC issues.',
      'Tickets are cached (klist shows them) and are reused for hours. After you change delegation in AD, a host keeps its old tickets until they expire or are purged.',
    ],
    forLiveMigration:
      'Delegation is the KDC giving the source host a service ticket to the destination on your behalf, and it does so only if AD allows it. After a fix, let AD replicate to the DC the hosts use, then purge the SYSTEM ticket cache on the source host (or wait up to 15 minutes).',
    validate: [
      { command: 'klist', note: 'your own tickets on this machine' },
      { command: 'Invoke-Command -ComputerName GOGO-3 { klist -li 0x3e7 }', note: 'the tickets of SYSTEM (which VMMS runs as) on the source host' },
      { command: 'Invoke-Command -ComputerName GOGO-3 { klist -li 0x3e7 purge }', note: 'drop them after changing delegation' },
      { command: 'nltest /dsgetdc:contoso.com', note: 'which domain controller (and so which KDC) a machine uses' },
    ],
    related: ['constrained-delegation', 'spn'],
  },
  {
    id: 'constrained-delegation',
    short: 'Constrained delegation',
    title: 'Kerberos constrained delegation (KCD)',
    aliases: [
      'constrained delegation', 'kerberos constrained delegation', 'kcd', 'delegation', 'msds-allowedtodelegateto',
      'allowedtodelegateto', 'allowed to delegate to', 'double hop', 'double-hop', 's4u2proxy', 'delegation tab',
    ],
    synonyms: [
      'constrained delegation', 'kerberos constrained delegation', 'constrained', 'kcd', 'msds-allowedtodelegateto', 'allowedtodelegateto',
      'delegation tab', 'kerberos delegation', 'delegation', 'resource based delegation', 'resource-based delegation',
      'resource based constrained delegation', 'resource-based constrained delegation', 'rbcd',
      'msds-allowedtoactonbehalfofotheridentity', 'allowedtoactonbehalfofotheridentity',
      // The problem KCD solves, under the names admins give it.
      'double hop', 'double-hop', 'kerberos double hop', 'kerberos double-hop', 'second hop', 'two hop', 'two-hop',
    ],
    explanation: [
      'When you start a live migration from your workstation or a management server, you authenticate to the source host, GOGO-3. GOGO-3 then has to reach GOGO-4 as you: a second hop ("double hop"). Kerberos allows that hop only when GOGO-3 is trusted to delegate to that exact service.',
      'The list of services lives on the source host\'s computer account, in the attribute msDS-AllowedToDelegateTo, as SPNs. When GOGO-3 asks the KDC for a ticket to GOGO-4 on your behalf (S4U2Proxy), the KDC checks that the SPN is in this list; if not, it refuses.',
      'In Active Directory Users and Computers: the source host → Delegation tab → "Trust this computer for delegation to the specified services only" → "Use any authentication protocol" → Add the destination\'s services.',
      'Resource-based delegation is the other way round: the destination\'s msDS-AllowedToActOnBehalfOfOtherIdentity, a security descriptor written with Set-ADComputer GOGO-4 -PrincipalsAllowedToDelegateToAccount GOGO-3$, says who may act for users towards it. It holds SIDs and access masks: a SID of a deleted account allows nobody, a deny entry before the allow refuses, and an entry granting GENERIC_ALL (0x10000000) instead of 0xF01FF has been reported refused by the KDC. In Microsoft Entra Domain Services managed domains (OU=AADDC Computers) it is the only kind that can be configured.',
    ],
    forLiveMigration:
      'The source needs "Microsoft Virtual System Migration Service" of the destination, in both name forms (GOGO-4 and gogo-4.contoso.com); storage moves also need cifs of the destination, and VM files or ISOs on a share need cifs of the file server. Delegation is one-way: set the mirror entries on GOGO-4 to move VMs back. Both hosts must be in the same domain.',
    validate: [
      {
        command: 'Get-ADComputer GOGO-3 -Properties msDS-AllowedToDelegateTo | Select -ExpandProperty msDS-AllowedToDelegateTo',
        note: 'the services GOGO-3 may delegate to',
      },
      {
        command: 'Get-ADComputer -Filter * -Properties msDS-AllowedToDelegateTo, TrustedForDelegation | Select Name, TrustedForDelegation, msDS-AllowedToDelegateTo',
        note: 'every computer at once',
      },
      {
        command: 'Get-ADComputer GOGO-4 -Properties msDS-AllowedToDelegateTo | Select -ExpandProperty msDS-AllowedToDelegateTo',
        note: 'the mirror entries on GOGO-4, for moving VMs back',
      },
    ],
    related: ['protocol-transition', 'spn'],
  },
  {
    id: 'protocol-transition',
    short: 'Protocol transition',
    title: 'Protocol transition ("Use any authentication protocol")',
    aliases: [
      'protocol transition', 'protocol-transition', 'any authentication protocol', 'use any authentication protocol',
      'kerberos only', 'use kerberos only', 'trustedtoauthfordelegation', 'trusted to auth for delegation', 's4u2self', 's4u',
    ],
    synonyms: [
      'protocol transition', 'protocol-transition', 'any authentication protocol', 'use any authentication protocol',
      'any protocol', 's4u', 's4u2self', 's4u2proxy', 'kerberos only', 'kerberos-only', 'trusted to auth for delegation',
      'trusted to authenticate for delegation', 'trustedtoauthfordelegation', 'trusted_to_auth_for_delegation',
    ],
    explanation: [
      'On the Delegation tab, "Use Kerberos only" lets the host delegate only a forwardable Kerberos ticket that you handed it. "Use any authentication protocol" also lets the host get a ticket for you from the KDC by itself (S4U2Self) and then delegate that. In AD this is the userAccountControl flag TRUSTED_TO_AUTH_FOR_DELEGATION (0x1000000).',
      'Windows Server 2016 moved Hyper-V management from the WMI v1 provider over DCOM to WMI v2 over WinRM. WinRM runs as NETWORK SERVICE, while VMMS runs as SYSTEM, and the way WinRM authenticates you keeps your forwardable ticket where VMMS cannot use it. So VMMS has to get a ticket for you itself, which needs protocol transition.',
    ],
    forLiveMigration:
      'On Windows Server 2016 and later the source host must use "Use any authentication protocol"; "Use Kerberos only" works only on 2012 R2 and earlier. With "Kerberos only" on 2016+, moves fail with 0x8009030E "No credentials are available in the security package".',
    validate: [
      {
        command: 'Get-ADComputer GOGO-3 -Properties TrustedToAuthForDelegation, TrustedForDelegation, OperatingSystem | Select Name, TrustedToAuthForDelegation, TrustedForDelegation, OperatingSystem',
        note: 'TrustedToAuthForDelegation must be True on 2016 and later',
      },
      {
        command: 'Get-ADComputer GOGO-3 | Set-ADAccountControl -TrustedForDelegation $false -TrustedToAuthForDelegation $true',
        note: 'the fix: specified services only, any authentication protocol',
      },
    ],
    related: ['constrained-delegation', 'unconstrained-delegation'],
  },
  {
    id: 'unconstrained-delegation',
    short: 'Unconstrained delegation',
    title: 'Unconstrained delegation ("Trust this computer for delegation to any service")',
    aliases: [
      'unconstrained delegation', 'unconstrained', 'trusted for delegation', 'trustedfordelegation',
      'delegation to any service', 'trust this computer for delegation to any service',
    ],
    synonyms: [
      'unconstrained delegation', 'unconstrained', 'trust this computer for delegation to any service',
      'delegation to any service', 'trusted for delegation', 'trustedfordelegation', 'trusted_for_delegation',
    ],
    explanation: [
      'The first choice on the Delegation tab, "Trust this computer for delegation to any service (Kerberos only)", is the userAccountControl flag TRUSTED_FOR_DELEGATION (0x80000). Everyone who authenticates to such a host hands it a copy of their TGT, and the host can then act as them towards any service in the domain.',
      'Domain controllers have it by design. On a Hyper-V host it is a security risk: whoever controls the host can reuse the TGTs of every admin who connected to it.',
    ],
    forLiveMigration:
      'It does not make live migration work on Windows Server 2016 and later, because VMMS needs protocol transition, which only "Trust this computer for delegation to the specified services only" with "Use any authentication protocol" gives. A host with both flags set is a conflict. Switch to constrained delegation and list the destination\'s services.',
    validate: [
      {
        command: "Get-ADComputer -Filter 'TrustedForDelegation -eq $true' -Properties TrustedForDelegation, PrimaryGroupID | Where PrimaryGroupID -ne 516 | Select Name",
        note: 'computers other than domain controllers trusted for any service',
      },
      { command: 'Get-ADComputer GOGO-3 -Properties TrustedForDelegation, TrustedToAuthForDelegation', note: 'one host\'s flags' },
    ],
    related: ['protocol-transition', 'constrained-delegation'],
  },
  {
    id: 'protected-users',
    short: 'Protected Users',
    title: 'Protected Users and "Account is sensitive and cannot be delegated"',
    aliases: [
      'protected users', 'protected user', 'protected-users', 'sensitive', 'sensitive account', 'account is sensitive',
      'account is sensitive and cannot be delegated', 'cannot be delegated', 'not delegated', 'not_delegated',
      'accountnotdelegated',
    ],
    synonyms: [
      'protected users', 'protected user', 'protected users group', 'sensitive account', 'sensitive accounts', 'sensitive',
      'account is sensitive and cannot be delegated', 'cannot be delegated', 'not delegated', 'not_delegated', 'notdelegated',
    ],
    explanation: [
      'Delegation acts as you, so the KDC also looks at your own account. If it is marked "Account is sensitive and cannot be delegated" (userAccountControl NOT_DELEGATED, 0x100000), or is a member of the Protected Users group, directly or through a nested group, the KDC refuses to delegate it.',
      'That is on purpose: both exist to stop highly privileged accounts from being reused by other machines.',
    ],
    forLiveMigration:
      'A migration started by such an account fails however well GOGO-3 and GOGO-4 are configured. Start migrations with an admin account that can be delegated; clear the flag or leave the group only if your security policy allows it.',
    validate: [
      { command: 'Get-ADUser alice -Properties AccountNotDelegated, MemberOf | Select Name, AccountNotDelegated', note: 'True means sensitive' },
      { command: 'Get-ADGroupMember "Protected Users" -Recursive | Select Name', note: 'every member, nested groups resolved' },
      { command: 'whoami /groups | findstr /i "Protected"', note: 'whether your current sign-in is in Protected Users' },
    ],
    related: ['upn', 'constrained-delegation'],
  },
  {
    id: 'duplicate-spn',
    short: 'Duplicate SPNs',
    title: 'Duplicate SPNs',
    aliases: [
      'duplicate spn', 'duplicate spns', 'duplicated spn', 'duplicated spns', 'spn duplicate', 'spn duplicates',
      'setspn -x', '0x80090322', 'target principal name is incorrect',
    ],
    synonyms: [
      'duplicate spn', 'duplicate spns', 'duplicated spn', 'duplicated spns', 'duplicate service principal name',
      'duplicate service principal names', 'spn duplicates', 'setspn -x', '0x80090322', 'target principal name is incorrect',
    ],
    explanation: [
      'An SPN must be registered on exactly one account in the forest. When two accounts hold the same one (often because someone once set a host\'s SPN by hand on a service account), the KDC cannot tell which account really runs the service.',
      'Tickets for that service then fail, typically with 0x80090322 "The target principal name is incorrect". setspn -S refuses to add a duplicate (setspn -A does not check), and setspn -X -F lists the duplicates in the forest.',
    ],
    forLiveMigration:
      'If the destination\'s migration SPN is also on another account, migrations to it fail even with delegation right. Keep the SPN on the host\'s computer account and remove it from the other account.',
    validate: [
      { command: 'setspn -X -F', note: 'every duplicate SPN in the forest' },
      { command: 'setspn -Q "Microsoft Virtual System Migration Service/VMHOST2"', note: 'which accounts hold this SPN' },
      { command: 'setspn -D "Microsoft Virtual System Migration Service/VMHOST2" svc-scvmm', note: 'the fix: remove it from the account that should not have it' },
    ],
    related: ['spn', 'kdc'],
  },
  {
    id: 'rc4',
    short: 'RC4 and AES',
    title: 'RC4 hardening and Kerberos encryption types',
    aliases: [
      'rc4', 'rc4 hardening', 'aes', 'encryption type', 'encryption types', 'kerberos encryption types', 'kerberos encryption type',
      'msds-supportedencryptiontypes', 'supportedencryptiontypes', 'kerberosencryptiontype', 'cve-2026-20833', 'kb5073381',
      'rc4defaultdisablementphase', 'etype', 'enctype', 'des', 'des only',
    ],
    synonyms: [
      'rc4', 'rc4-hmac', 'rc4 hardening', 'arcfour', 'aes', 'aes128', 'aes256', 'encryption type', 'encryption types',
      'kerberos encryption types', 'msds-supportedencryptiontypes', 'supportedencryptiontypes', 'kerberosencryptiontype',
      'cve-2026-20833', 'kb5073381', 'rc4defaultdisablementphase', 'kdcsvc', 'des', 'des-cbc-crc', 'des-cbc-md5',
    ],
    explanation: [
      'Kerberos tickets are encrypted with a key of the account they are for. Which encryption types the KDC may use for an account is the attribute msDS-SupportedEncryptionTypes: 0x4 RC4, 0x8 AES128, 0x10 AES256 (0x1 and 0x2 are the long-disabled DES). Not set means "the domain controllers\' default".',
      'DES is older still: off on domain controllers since Windows Server 2008 R2 and removed in Windows Server 2025. A host set to DES only (0x1, 0x2 or 0x3) gets no ticket at all: the KDC answers "KDC has no support for encryption type" (KDC_ERR_ETYPE_NOSUPP), so migrations to and from it fail now (KCD023).',
      'RC4 is weak, and Microsoft is switching it off (CVE-2026-20833, KB5073381). Domain controllers updated since April 2026 use AES only for accounts without an explicit msDS-SupportedEncryptionTypes; since July 2026 the rollback value RC4DefaultDisablementPhase is no longer read. An account set explicitly to RC4 only (0x4) still gets RC4 tickets, but only for as long as the domain controllers still allow RC4. KDCSVC events 201-209 in the System log of each DC report the RC4 use that remains.',
    ],
    forLiveMigration:
      'The source host, the destination, the SMB file servers and you (the admin who starts the move) all take part in the delegated tickets. An RC4-only account among them works today and fails on the day RC4 is switched off on the DCs. Set AES128 and AES256 on it now, then purge the tickets.',
    validate: [
      { command: 'Get-ADComputer GOGO-4 -Properties msDS-SupportedEncryptionTypes, KerberosEncryptionType | Select Name, msDS-SupportedEncryptionTypes, KerberosEncryptionType', note: 'empty or with AES128/AES256 is fine; RC4 alone (4) is not' },
      { command: "Get-ADObject -LDAPFilter '(&(msDS-SupportedEncryptionTypes=*)(!(msDS-SupportedEncryptionTypes:1.2.840.113556.1.4.804:=24)))' -Properties msDS-SupportedEncryptionTypes | Select Name, msDS-SupportedEncryptionTypes", note: 'every account with an explicit setting that allows no AES' },
      { command: 'Get-WinEvent -ComputerName DC1 -FilterHashtable @{ LogName = \'System\'; ProviderName = \'Microsoft-Windows-Kerberos-Key-Distribution-Center\'; Id = 201..209 } -MaxEvents 20', note: 'the RC4 use a DC reports (KDCSVC events 201-209)' },
      { command: 'Set-ADComputer GOGO-4 -KerberosEncryptionType AES128,AES256', note: 'the fix (users: Set-ADUser alice -KerberosEncryptionType AES128,AES256)' },
    ],
    related: ['kdc', 'constrained-delegation'],
  },
  {
    id: 'credential-guard',
    short: 'Credential Guard',
    title: 'Credential Guard, CredSSP and Windows Server 2025',
    aliases: [
      'credential guard', 'credentialguard', 'credssp', 'windows server 2025', 'server 2025', 'lsaiso',
      'virtualization-based security', 'vbs',
    ],
    synonyms: ['credential guard', 'credentialguard', 'credssp', 'windows server 2025', 'server 2025', 'lsaiso', 'virtualization-based security'],
    explanation: [
      'Credential Guard keeps a machine\'s secrets (NTLM hashes, Kerberos TGTs) in an isolated process (LsaIso) protected by virtualization-based security, out of reach of anything that takes over Windows. Windows Server 2025 turns it on by default on domain members that are not domain controllers (build 26100 and later).',
      'Two ways of live migration need exactly those secrets. CredSSP hands your password to the source host, which Credential Guard refuses to use for another hop. Unconstrained delegation forwards your TGT to the host, which Credential Guard keeps from being used. Kerberos constrained delegation needs neither: the KDC issues the delegated ticket itself.',
    ],
    forLiveMigration:
      'On Windows Server 2025 hosts, use Kerberos (Set-VMHost -VirtualMachineMigrationAuthenticationType Kerberos) with constrained delegation and "Use any authentication protocol". Do not switch Credential Guard off to make CredSSP work, and remove unconstrained delegation from such hosts: it does not work there anyway.',
    validate: [
      { command: 'Get-ADComputer GOGO-6 -Properties OperatingSystemVersion, TrustedForDelegation | Select Name, OperatingSystemVersion, TrustedForDelegation', note: '10.0 (26100) or later is Windows Server 2025; TrustedForDelegation should be False' },
      { command: 'Invoke-Command -ComputerName GOGO-6 { (Get-CimInstance -Namespace root\\Microsoft\\Windows\\DeviceGuard -ClassName Win32_DeviceGuard).SecurityServicesRunning }', note: '1 in the list means Credential Guard is running' },
      { command: 'Get-VMHost -ComputerName GOGO-6 | Select VirtualMachineMigrationAuthenticationType', note: 'must be Kerberos' },
    ],
    related: ['constrained-delegation', 'unconstrained-delegation'],
  },
];

export const TOPIC_IDS: readonly TopicId[] = TOPICS.map((t) => t.id);

export function isTopicId(value: string): value is TopicId {
  return (TOPIC_IDS as readonly string[]).includes(value);
}
