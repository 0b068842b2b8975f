// Stops the statement a client is running, the way psql's Ctrl-C does: a cancel request on a new socket.
import pg from 'pg';

interface CancelTarget {
  host: string;
  port: number;
  processID: number | null;
  secretKey: number | null;
}

interface CancelConnection {
  on(event: 'connect' | 'error' | 'end', listener: () => void): void;
  connect(port: number | string, host?: string): void;
  cancel(processID: number, secretKey: number): void;
  end(): void;
}

/**
 * Best effort and fire-and-forget: when it cannot reach the server, the server's own timeouts
 * remain. Not `client.cancel()`: that reads the deprecated `activeQuery` and warns on every use.
 */
export function cancelRunningStatement(client: pg.Client): void {
  const { host, port, processID, secretKey } = client as unknown as CancelTarget;
  if (processID === null || secretKey === null) return;
  const connection = new pg.Connection() as unknown as CancelConnection;
  connection.on('error', () => {});
  connection.on('connect', () => connection.cancel(processID, secretKey));
  if (host.startsWith('/')) connection.connect(`${host}/.s.PGSQL.${port}`);
  else connection.connect(port, host);
}
