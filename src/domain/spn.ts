/** SPN helpers. SPNs compare case-insensitively everywhere (AD treats them so). */

export const MIGRATION_SERVICE = 'Microsoft Virtual System Migration Service';
export const CIFS = 'cifs';

/**
 * Windows' default sPNMappings value: HOST/ stands in for these service classes. Used when the source
 * did not read the forest's own value (snapshot exports, the demo).
 */
export const DEFAULT_SPN_MAPPINGS = [
  'host=alerter,appmgmt,cisvc,clipsrv,browser,dhcp,dnscache,replicator,eventlog,eventsystem,policyagent,' +
    'oakley,dmserver,dns,mcsvc,fax,msiserver,ias,messenger,netlogon,netman,netdde,netddedsm,nmagent,' +
    'plugplay,protectedstorage,rasman,rpclocator,rpc,rpcss,remoteaccess,rsvp,samss,scardsvr,scesrv,' +
    'seclogon,scm,dcom,cifs,spooler,snmp,schedule,tapisrv,trksvr,trkwks,ups,time,wins,www,http,w3svc,' +
    'iisadmin,msdtc',
];

export function spnKey(spn: string): string {
  return spn.trim().toLowerCase();
}

export interface ParsedSpn {
  serviceClass: string;
  host: string;
  /** Port and service name parts after the host, if any (`MSSQLSvc/host:1433`). */
  rest: string;
}

export function parseSpn(spn: string): ParsedSpn | undefined {
  const slash = spn.indexOf('/');
  if (slash <= 0 || slash === spn.length - 1) return undefined;
  const serviceClass = spn.slice(0, slash);
  const after = spn.slice(slash + 1);
  const end = after.search(/[:/]/);
  return end === -1
    ? { serviceClass, host: after, rest: '' }
    : { serviceClass, host: after.slice(0, end), rest: after.slice(end) };
}

export function makeSpn(serviceClass: string, host: string): string {
  return `${serviceClass}/${host}`;
}

/**
 * Parses sPNMappings values ("host=a,b,c") into alias → the class that stands in for it
 * (cifs → host). A later value for the same alias wins, as in AD.
 */
export function parseSpnMappings(values: readonly string[]): Map<string, string> {
  const aliases = new Map<string, string>();
  for (const value of values.length > 0 ? values : DEFAULT_SPN_MAPPINGS) {
    const eq = value.indexOf('=');
    if (eq <= 0) continue;
    const target = value.slice(0, eq).trim().toLowerCase();
    for (const alias of value.slice(eq + 1).split(',')) {
      const a = alias.trim().toLowerCase();
      if (a) aliases.set(a, target);
    }
  }
  return aliases;
}
