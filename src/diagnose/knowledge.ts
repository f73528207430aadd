/**
 * What the error codes and events a failed live migration prints mean: one table, each entry with the
 * rules whose findings explain it in AD, what else causes it (outside AD, with the next thing to try) and
 * where the meaning comes from. Documented in docs/diagnose.md. Data only: src/diagnose/diagnose.ts uses it.
 */

export interface KnownCause {
  /** What the code or event means, in one sentence. */
  meaning: string;
  /** Rule ids whose findings explain it when AD is the cause. */
  rules: readonly string[];
  /** Causes outside AD, each with the next thing to try. */
  notInAd: readonly string[];
  /** Where the meaning comes from. */
  source: string;
}

export interface KnownCode extends KnownCause {
  /** "0x8009030E" */
  code: string;
  /** The Windows name ("SEC_E_NO_CREDENTIALS"). */
  name: string;
  /** The text Windows prints with it. */
  text: string;
}

export interface KnownEvent extends KnownCause {
  id: number;
  /** Whether the event is logged on the migration's source host (its Computer field then names the source). */
  loggedOnSource: boolean;
}

const WINERROR = 'Microsoft Learn, Win32 and COM error codes (winerror.h)';
const LIVE_MIGRATION = 'Microsoft Learn, "Set up hosts for live migration without Failover Clustering" and "Troubleshoot live migration issues"';
const PURGE = 'Tickets cached before a fix: run klist -li 0x3e7 purge on the source (or wait for the tickets to expire), then retry.';
const KERBEROS_SELECTED = 'Kerberos is not selected on a host: Set-VMHost -VirtualMachineMigrationAuthenticationType Kerberos on both hosts.';
const CREDSSP = 'CredSSP was used: it works only when the move is started in a console session on the source, not remotely, and not under Credential Guard (on by default in Windows Server 2025). Use Kerberos with constrained delegation.';
const NETWORK = 'The network between the hosts: TCP 6600 (the live migration listener) must be open from source to destination, on a migration network both hosts have (Get-VMMigrationNetwork).';

export const KNOWN_CODES: readonly KnownCode[] = [
  {
    code: '0x8009030E',
    name: 'SEC_E_NO_CREDENTIALS',
    text: 'No credentials are available in the security package',
    meaning: 'The source host could not get a Kerberos ticket to the destination on your behalf: constrained delegation does not allow it.',
    rules: ['KCD001', 'KCD002', 'KCD003', 'KCD004', 'KCD006', 'KCD007', 'KCD009', 'KCD010', 'KCD011', 'KCD013', 'KCD014', 'KCD020', 'KCD023', 'KCD024', 'KCD026'],
    notInAd: [PURGE, KERBEROS_SELECTED],
    source: `${WINERROR}; ${LIVE_MIGRATION}; the reference article`,
  },
  {
    code: '0x8009030D',
    name: 'SEC_E_UNKNOWN_CREDENTIALS',
    text: 'The credentials supplied to the package were not recognized',
    meaning: 'The credentials offered for the migration connection were refused before Kerberos delegation came into play, typically CredSSP from a remote session.',
    rules: ['KCD004'],
    notInAd: [CREDSSP, KERBEROS_SELECTED],
    source: `${WINERROR}; ${LIVE_MIGRATION}`,
  },
  {
    code: '0x80090322',
    name: 'SEC_E_WRONG_PRINCIPAL',
    text: 'The target principal name is incorrect',
    meaning: 'The ticket was issued for an SPN that another account holds, so the destination cannot decrypt it.',
    rules: ['KCD008', 'KCD007'],
    notInAd: ['The name used resolves to another machine: check DNS (Resolve-DnsName) for the destination name you typed.'],
    source: WINERROR,
  },
  {
    code: '0x80090303',
    name: 'SEC_E_TARGET_UNKNOWN',
    text: 'The specified target is unknown or unreachable',
    meaning: 'The KDC knows no account for the SPN asked for: the destination does not hold the migration (or cifs) SPN under that name.',
    rules: ['KCD007', 'KCD017', 'KCD012'],
    notInAd: ['VMMS on the destination could not register its SPNs (event 14050): restart the Hyper-V Virtual Machine Management service there, or register them with setspn -S.'],
    source: WINERROR,
  },
  {
    code: '0x80090311',
    name: 'SEC_E_NO_AUTHENTICATING_AUTHORITY',
    text: 'No authority could be contacted for authentication',
    meaning: 'The host could not reach a domain controller (KDC) to get the ticket.',
    rules: [],
    notInAd: ['A DC is not reachable from the source: check nltest /dsgetdc:<domain> and TCP/UDP 88 to the DCs.'],
    source: WINERROR,
  },
  {
    code: '0x80090324',
    name: 'SEC_E_TIME_SKEW',
    text: 'The clocks on the client and server machines are skewed',
    meaning: 'Kerberos refuses tickets when clocks differ by more than 5 minutes.',
    rules: [],
    notInAd: ['Clock skew: compare w32tm /query /status on both hosts and the DC; fix the time source.'],
    source: WINERROR,
  },
  {
    code: '0x80070005',
    name: 'E_ACCESSDENIED',
    text: 'Access is denied',
    meaning: 'The account that started the move lacks a right on one of the hosts; AD delegation is rarely the cause of this one.',
    rules: ['KCD010', 'KCD011'],
    notInAd: ['Your account must be in Hyper-V Administrators (or Administrators) on both hosts.', CREDSSP],
    source: `${WINERROR}; ${LIVE_MIGRATION}`,
  },
  {
    code: '0x80070569',
    name: 'ERROR_LOGON_TYPE_NOT_GRANTED',
    text: 'Logon failure: the user has not been granted the requested logon type at this computer',
    meaning: 'A user right denies the logon the migration needs on a host.',
    rules: [],
    notInAd: ['User rights assignment by GPO: "Log on as a service" must include NT VIRTUAL MACHINE\\Virtual Machines, and "Access this computer from the network" your account (gpresult /h on the host).'],
    source: WINERROR,
  },
  {
    code: '0x80070534',
    name: 'ERROR_NONE_MAPPED',
    text: 'No mapping between account names and security IDs was done',
    meaning: 'A name in the host\'s configuration could not be resolved to a SID.',
    rules: [],
    notInAd: ['A GPO names NT VIRTUAL MACHINE\\Virtual Machines on a host that cannot resolve it, or a removed account: check the user rights GPOs applied to the hosts.'],
    source: WINERROR,
  },
  {
    code: '0x8007274C',
    name: 'WSAETIMEDOUT',
    text: 'A connection attempt failed because the connected party did not properly respond after a period of time',
    meaning: 'The source got no answer from the destination\'s migration listener: a network problem, not AD.',
    rules: [],
    notInAd: [NETWORK],
    source: WINERROR,
  },
  {
    code: '0x8007274D',
    name: 'WSAECONNREFUSED',
    text: 'No connection could be made because the target machine actively refused it',
    meaning: 'Nothing listens for migrations on the destination: live migration is off there or a firewall rejects it.',
    rules: [],
    notInAd: ['Enable-VMMigration on the destination, and allow TCP 6600 in its firewall.', NETWORK],
    source: WINERROR,
  },
  {
    code: '0x8007271D',
    name: 'WSAEACCES',
    text: 'An attempt was made to access a socket in a way forbidden by its access permissions',
    meaning: 'A local policy (firewall, IPsec, a port reservation) forbids the migration socket.',
    rules: [],
    notInAd: ['A firewall or IPsec rule on either host, or port 6600 reserved by another program (netsh int ipv4 show excludedportrange tcp).'],
    source: WINERROR,
  },
];

export const KNOWN_EVENTS: readonly KnownEvent[] = [
  {
    id: 20306,
    loggedOnSource: true,
    meaning: 'Hyper-V-VMMS: the Virtual Machine Management Service failed to establish a connection for a migration with the destination host; the code in the text says why.',
    rules: ['KCD001', 'KCD004', 'KCD007'],
    notInAd: [NETWORK],
    source: `${LIVE_MIGRATION} (Hyper-V-VMMS Admin log)`,
  },
  {
    id: 21502,
    loggedOnSource: true,
    meaning: 'Hyper-V-VMMS: the live migration did not succeed at the source; the events before it (20306, a code) say why.',
    rules: ['KCD001', 'KCD002', 'KCD004'],
    notInAd: [NETWORK],
    source: `${LIVE_MIGRATION} (Hyper-V-VMMS Admin log)`,
  },
  {
    id: 21024,
    loggedOnSource: true,
    meaning: 'Hyper-V-VMMS: the virtual machine migration operation failed at the migration source; the code in the text says why.',
    rules: ['KCD001', 'KCD002', 'KCD004'],
    notInAd: [NETWORK],
    source: `${LIVE_MIGRATION} (Hyper-V-VMMS Admin log)`,
  },
  {
    id: 14050,
    loggedOnSource: false,
    meaning: 'Hyper-V-VMMS: the service failed to register its service principal names on the host\'s computer account, so delegation entries naming them point nowhere.',
    rules: ['KCD007', 'KCD008'],
    notInAd: ['Restart the Hyper-V Virtual Machine Management service on that host, or register the SPNs: setspn -S "Microsoft Virtual System Migration Service/<host>" <host>.'],
    source: 'Microsoft Learn, Hyper-V event 14050; the reference article',
  },
];

export function knownCode(code: string): KnownCode | undefined {
  return KNOWN_CODES.find((c) => c.code.toLowerCase() === code.toLowerCase());
}

export function knownEvent(id: number): KnownEvent | undefined {
  return KNOWN_EVENTS.find((e) => e.id === id);
}
