/** A 127.0.0.1 port nothing listens on right now (bound on port 0, then released). */
import { createServer, type AddressInfo } from 'node:net';

export async function unusedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}
