import type { FastifyError, FastifyInstance, FastifyRequest } from 'fastify';
import { hasZodFastifySchemaValidationErrors, isResponseSerializationError } from 'fastify-type-provider-zod';
import { isExpectedRefusal, OUTCOME_IN_BODY, OUTCOME_STATUS_HEADER } from '../../../contracts/error-codes.js';
import { AppError, validationFailed } from '../../errors.js';

/** The request asked for expected refusals in a 200 body (the web app always does; a preload says so in its query). */
function prefersOutcomeInBody(request: FastifyRequest): boolean {
  const prefer = request.headers.prefer;
  if (typeof prefer === 'string' && prefer.split(',').some((p) => p.trim().toLowerCase() === OUTCOME_IN_BODY)) return true;
  const q = request.url.indexOf('?');
  return q >= 0 && new URLSearchParams(request.url.slice(q + 1)).get('outcome') === 'body';
}

/** What Fastify and its plugins throw, as the AppError it means (schema, body size, body type, JSON). */
function fromFastify(err: FastifyError, uploadLimitBytes: number): AppError {
  if (hasZodFastifySchemaValidationErrors(err)) {
    // The zod issues, their paths as the type provider joined them ("/people/0/email").
    const issues = err.validation.map((v) => ({ path: (v.instancePath ?? '').split('/').filter(Boolean), message: v.message ?? 'is not valid' }));
    return validationFailed(issues, err.validationContext ?? 'body');
  }
  if (err.code === 'FST_REQ_FILE_TOO_LARGE' || err.code === 'FST_ERR_CTP_BODY_TOO_LARGE' || err.statusCode === 413) {
    const mb = Math.round(uploadLimitBytes / 1024 / 1024);
    return new AppError('payload_too_large', { message: `The file is larger than the upload limit of ${mb} MB.`, details: { limitBytes: uploadLimitBytes }, cause: err });
  }
  if (err.code === 'FST_ERR_CTP_INVALID_MEDIA_TYPE') return new AppError('unsupported_content_type', { cause: err });
  if (err.code === 'FST_ERR_CTP_INVALID_JSON_BODY' || (err.statusCode === 400 && /JSON/.test(err.message))) {
    return new AppError('validation_failed', { message: 'The request body is not valid JSON.', cause: err });
  }
  return AppError.from(err);
}

/** Every error leaves through AppError.toWire(): { error: { code, message, details? } }. */
export function registerErrorHandling(app: FastifyInstance, opts: { uploadLimitBytes: number }): void {
  app.setErrorHandler((err: FastifyError | AppError, request, reply) => {
    if (isResponseSerializationError(err)) request.log.error({ err, issues: err.cause?.issues }, 'response did not match its schema');
    const appError = err instanceof AppError ? err : fromFastify(err as FastifyError, opts.uploadLimitBytes);
    if (appError.status >= 500 && !isResponseSerializationError(err)) request.log.error({ err }, err instanceof AppError ? 'server error' : 'unexpected error');
    reply.header('Vary', 'Prefer');
    if (isExpectedRefusal(appError.code) && prefersOutcomeInBody(request)) {
      // An answer the page expects (docs/decisions.md, "Customer polish" item 11): same body, status in a header.
      return reply.code(200).header('Preference-Applied', OUTCOME_IN_BODY).header(OUTCOME_STATUS_HEADER, String(appError.status))
        // A string is sent as it is: the route's 200 schema describes its success, not this body.
        .type('application/json; charset=utf-8')
        .send(JSON.stringify(appError.toWire()));
    }
    return reply.code(appError.status).send(appError.toWire());
  });
}
