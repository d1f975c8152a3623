/** Constants of the relay protocol (docs/relay-protocol.md), shared by the client and the simulator. */
export const CLOUDEVENTS_SUBPROTOCOL = 'cloudevents.json';

/** Close codes the client treats as "your credentials are refused": stop retrying. */
export const AUTH_CLOSE_CODES: ReadonlySet<number> = new Set([1008, 4401, 4403]);
