import { runCli } from './program';
import { stdoutWriter } from './stdout';

/** Entry point of the `kcd` bin. */
export async function main(argv: string[] = process.argv.slice(2)): Promise<void> {
  const stdout = stdoutWriter();
  try {
    process.exitCode = await runCli(argv, {
      stdout,
      stderr: (s) => process.stderr.write(s),
      env: process.env,
    });
  } finally {
    stdout.flush();
  }
}

if (require.main === module) void main();
