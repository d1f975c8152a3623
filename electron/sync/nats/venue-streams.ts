/**
 * The streams the sync runs on. A venue laptop finds its venue's stream or creates it (one
 * message kept per subject: a document's latest state, so the stream is as big as the data, not
 * as its history). The operations centre keeps one stream on the central cluster that sources
 * every venue's stream, from the venue leaf node's JetStream domain over the uplink or from the
 * central cluster itself when the venue's laptops connect there directly; sourcing resumes where
 * it stopped when a link comes back.
 */
import {
  DiscardPolicy,
  JetStreamApiError,
  type JetStreamManager,
  RetentionPolicy,
  StorageType,
  type StreamConfig,
  type StreamInfo,
  type StreamSource,
} from '@nats-io/jetstream';
import { venueDomain, venueStreamName, venueSubjects } from './venue-naming';

export const CENTRAL_STREAM = 'GATEOPS_CENTRAL';
/** Bigger than any document we sync (a check-in is 64 KiB at most). */
export const MAX_DOC_BYTES = 256 * 1024;

const COMMON: Partial<StreamConfig> = {
  retention: RetentionPolicy.Limits,
  storage: StorageType.File,
  discard: DiscardPolicy.Old,
  max_msgs_per_subject: 1,
  max_msg_size: MAX_DOC_BYTES,
};

/**
 * The stream this laptop needs is not there and it may not create it (the NATS account does not
 * allow it, or the operator made the streams by hand and missed this one).
 */
export class StreamMissingError extends Error {
  override readonly name = 'StreamMissingError';
}

function isStreamNotFound(error: unknown): boolean {
  return error instanceof JetStreamApiError && error.code === 10059;
}

async function infoOrNull(jsm: JetStreamManager, name: string): Promise<StreamInfo | null> {
  try {
    return await jsm.streams.info(name);
  } catch (error) {
    if (isStreamNotFound(error)) return null;
    throw error;
  }
}

/** Opens the venue's stream, creating it when no one has yet (two laptops may race: both win). */
export async function ensureVenueStream(
  jsm: JetStreamManager,
  venue: string,
  replicas = 1,
): Promise<StreamInfo> {
  const name = venueStreamName(venue);
  const existing = await infoOrNull(jsm, name);
  if (existing) return existing;
  try {
    return await jsm.streams.add({
      ...COMMON,
      name,
      subjects: [venueSubjects(venue)],
      num_replicas: replicas,
    });
  } catch (error) {
    const raced = await infoOrNull(jsm, name);
    if (raced) return raced;
    throw new StreamMissingError(
      `the stream ${name} does not exist and this laptop could not create it (${firstLine(error)})`,
    );
  }
}

function firstLine(error: unknown): string {
  return (error instanceof Error ? error.message : String(error)).split('\n')[0] ?? '';
}

/** Where the central stream sources a venue from: the central cluster, or the venue's domain. */
async function venueSource(jsm: JetStreamManager, venue: string): Promise<StreamSource> {
  const name = venueStreamName(venue);
  const local = await infoOrNull(jsm, name);
  if (local) return { name };
  return { name, external: { api: `$JS.${venueDomain(venue)}.API`, deliver: '' } };
}

/** The operations centre's stream: every venue's documents, sourced, never written directly. */
export async function ensureCentralStream(
  jsm: JetStreamManager,
  venues: readonly string[],
  replicas = 1,
): Promise<StreamInfo> {
  const sources = await Promise.all(venues.map((v) => venueSource(jsm, v)));
  const existing = await infoOrNull(jsm, CENTRAL_STREAM);
  if (!existing) {
    try {
      return await jsm.streams.add({
        ...COMMON,
        name: CENTRAL_STREAM,
        subjects: [],
        sources,
        num_replicas: replicas,
      });
    } catch (error) {
      const raced = await infoOrNull(jsm, CENTRAL_STREAM);
      if (!raced) {
        throw new StreamMissingError(
          `the stream ${CENTRAL_STREAM} does not exist and this laptop could not create it (${firstLine(error)})`,
        );
      }
      return raced;
    }
  }
  const have = new Set((existing.config.sources ?? []).map((s) => s.name));
  const missing = sources.filter((s) => !have.has(s.name));
  if (missing.length === 0) return existing;
  return jsm.streams.update(CENTRAL_STREAM, {
    ...existing.config,
    sources: [...(existing.config.sources ?? []), ...missing],
  });
}
