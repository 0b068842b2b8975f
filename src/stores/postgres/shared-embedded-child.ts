// The process that holds an embedded database for a long-lived launchdb process (the console) and
// serves it on a loopback port (shared-embedded.ts). Started with the data folder, the project root,
// what it serves for and how long to wait for the lock; it prints one JSON line — the port and the
// location, or the error — and stops when its stdin, a pipe from its parent, closes: it never
// outlives the process it serves, even one killed with -9.
import { serveEmbedded } from './serve.js';

const [dataDir, root, command, lockWait] = process.argv.slice(2);

try {
  const served = await serveEmbedded(dataDir!, {
    host: '127.0.0.1',
    port: 0,
    root: root!,
    command: command!,
    lockWaitMs: Number(lockWait),
  });
  const stop = () => void served.stop().finally(() => process.exit(0));
  process.stdin.on('end', stop);
  process.stdin.on('error', stop);
  process.on('SIGTERM', stop);
  process.stdin.resume();
  process.stdout.write(`${JSON.stringify({ port: served.port, location: served.location })}\n`);
} catch (error) {
  const { message, fix } =
    error instanceof Error ? (error as Error & { fix?: string }) : { message: String(error) };
  process.stdout.write(`${JSON.stringify({ error: message, fix })}\n`);
  process.exit(2);
}
