// Turns a password into the SCRAM-SHA-256 verifier Postgres stores, so no password reaches the server.
import { createHash, createHmac, pbkdf2Sync, randomBytes } from 'node:crypto';

/**
 * The SCRAM-SHA-256 verifier of a password, as Postgres stores it. Sending the verifier instead of
 * the password keeps the password out of server logs (`log_statement = 'ddl'`) and statistics.
 * Only launchdb's own base64url passwords get here, so SASLprep has nothing to normalise.
 */
export function scramVerifier(password: string, iterations = 4096): string {
  const salt = randomBytes(16);
  const salted = pbkdf2Sync(password, salt, iterations, 32, 'sha256');
  const clientKey = createHmac('sha256', salted).update('Client Key').digest();
  const storedKey = createHash('sha256').update(clientKey).digest();
  const serverKey = createHmac('sha256', salted).update('Server Key').digest();
  return `SCRAM-SHA-256$${iterations}:${salt.toString('base64')}$${storedKey.toString('base64')}:${serverKey.toString('base64')}`;
}
