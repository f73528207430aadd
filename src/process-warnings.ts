/**
 * restify 11 (the last restify for Node 20) reads `process.binding('http_parser')`, and Node answers each
 * read with a DEP0111 deprecation warning on stderr: twice at every start, about nothing an admin can act on.
 * This drops exactly that warning and lets every other one through, printed as Node prints it.
 *
 * How: Node prints warnings from its own 'warning' listener (absent under --no-warnings). Those listeners are
 * taken out and called by one listener that skips the restify warning; nothing else changes, so other
 * deprecations, --trace-warnings and --no-warnings behave as before. `process.noDeprecation` and
 * --no-deprecation would silence every deprecation, which is too much.
 */
type WarningListener = (warning: Error) => void;

/** DEP0111 about http_parser (restify's), and no other DEP0111 or warning. */
export function isRestifyParserWarning(warning: Error & { code?: unknown }): boolean {
  return warning.name === 'DeprecationWarning' && warning.code === 'DEP0111' && warning.message.includes("process.binding('http_parser')");
}

/** Routes `target`'s current 'warning' listeners through `drop`: a warning it matches reaches none of them. */
export function dropWarnings(drop: (warning: Error) => boolean, target: NodeJS.EventEmitter = process): void {
  const printers = target.listeners('warning') as WarningListener[];
  if (printers.length === 0) return;
  for (const printer of printers) target.removeListener('warning', printer);
  target.on('warning', (warning: Error) => {
    if (drop(warning)) return;
    for (const printer of printers) printer.call(target, warning);
  });
}

let installed = false;

/** Once per process, before restify is loaded (Node emits a warning on the next tick, so this also catches one already emitted in this tick). */
export function quietRestifyWarning(): void {
  if (installed) return;
  installed = true;
  dropWarnings(isRestifyParserWarning);
}
