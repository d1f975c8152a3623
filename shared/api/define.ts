/**
 * Building blocks of the API between main and the renderer. A channel is a query (request →
 * response) or a subscription (request → a stream of events). zod schemas are the one definition;
 * main validates every request before it reaches a service.
 */
import { z } from 'zod';

export interface QueryDef<Req extends z.ZodType = z.ZodType, Res extends z.ZodType = z.ZodType> {
  readonly kind: 'query';
  readonly request: Req;
  readonly response: Res;
}

export interface SubscriptionDef<
  Req extends z.ZodType = z.ZodType,
  Ev extends z.ZodType = z.ZodType,
> {
  readonly kind: 'subscription';
  readonly request: Req;
  readonly event: Ev;
}

export type ChannelDef = QueryDef | SubscriptionDef;

export function query<Req extends z.ZodType, Res extends z.ZodType>(
  request: Req,
  response: Res,
): QueryDef<Req, Res> {
  return { kind: 'query', request, response };
}

export function subscription<Req extends z.ZodType, Ev extends z.ZodType>(
  request: Req,
  event: Ev,
): SubscriptionDef<Req, Ev> {
  return { kind: 'subscription', request, event };
}

export const API_ERROR_CODES = [
  'bad_request',
  'unknown_channel',
  'forbidden',
  'not_found',
  'unavailable',
  'cancelled',
  'internal',
] as const;
export type ApiErrorCode = (typeof API_ERROR_CODES)[number];

export const apiErrorSchema = z.object({
  code: z.enum(API_ERROR_CODES),
  message: z.string(),
  /** Field-level problems of a bad request. */
  issues: z.array(z.object({ path: z.string(), message: z.string() })).optional(),
});
export type ApiError = z.infer<typeof apiErrorSchema>;

export type ApiResult<T> =
  { readonly ok: true; readonly value: T } | { readonly ok: false; readonly error: ApiError };

/** What the renderer sees when a call fails: the typed error, as an exception. */
export class ApiCallError extends Error {
  override readonly name = 'ApiCallError';
  constructor(readonly error: ApiError) {
    super(error.message);
  }
  get code(): ApiErrorCode {
    return this.error.code;
  }
}

/** An error a service throws on purpose, passed to the renderer with its code. */
export class ServiceError extends Error {
  override readonly name = 'ServiceError';
  constructor(
    readonly code: ApiErrorCode,
    message: string,
  ) {
    super(message);
  }
}
