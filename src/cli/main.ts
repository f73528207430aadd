import { startEarlyRead } from './early-read';
import { stdoutWriter } from './stdout';

/** Entry point of the `kcd` bin. */
export async function main(argv: string[] = process.argv.slice(2)): Promise<void> {
  // `kcd scan` against LDAP: the directory is read while the rest of the CLI loads (see early-read.ts).
  const early = await startEarlyRead(argv, process.env);
  if (early) await early.sent;
  const { runCli } = await import('./program');
  const stdout = stdoutWriter();
  try {
    const code = await runCli(
      argv,
      {
        stdout,
        stderr: (s) => process.stderr.write(s),
        env: process.env,
      },
      early ? { early } : {},
    );
    process.exitCode = code;
  } finally {
    stdout.flush();
  }
}

if (require.main === module) void main();
