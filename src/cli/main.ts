import { runCli } from './program';
import { Progress } from './progress';
import { stdoutWriter } from './stdout';

/** Standard input as text (`kcd diagnose` without a text: a multi-line paste); at most 1 MB is kept. */
async function readStdin(): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of process.stdin as AsyncIterable<Buffer>) {
    if (size < 1024 * 1024) chunks.push(chunk);
    size += chunk.length;
  }
  return Buffer.concat(chunks).toString('utf8');
}

/** Entry point of the `kcd` bin. */
export async function main(argv: string[] = process.argv.slice(2)): Promise<void> {
  const stdout = stdoutWriter();
  try {
    process.exitCode = await runCli(argv, {
      stdout,
      stderr: (s) => process.stderr.write(s),
      env: process.env,
      stdin: readStdin,
      ...(process.stderr.isTTY ? { progress: new Progress((s) => process.stderr.write(s)) } : {}),
    });
  } finally {
    stdout.flush();
  }
}

if (require.main === module) void main();
