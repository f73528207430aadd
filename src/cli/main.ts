import { runCli } from './program';
import { stdoutWriter } from './stdout';

/** Entry point of the `kcd` bin. */
export async function main(argv: string[] = process.argv.slice(2)): Promise<void> {
  const code = await runCli(argv, {
    stdout: stdoutWriter(),
    stderr: (s) => process.stderr.write(s),
    env: process.env,
  });
  process.exitCode = code;
}

if (require.main === module) void main();
