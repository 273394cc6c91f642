import type { FastifyError, FastifyInstance } from 'fastify';
import { hasZodFastifySchemaValidationErrors, isResponseSerializationError } from 'fastify-type-provider-zod';
import { AppError, defaultMessageOf, isAppError, type ErrorCode } from '../../errors.js';

const codeForStatus = (status: number): ErrorCode =>
  status === 401 ? 'unauthenticated'
  : status === 403 ? 'forbidden'
  : status === 404 ? 'not_found'
  : status === 409 ? 'conflict'
  : status === 413 ? 'payload_too_large'
  : status === 415 ? 'unsupported_media'
  : status === 429 ? 'rate_limited'
  : 'validation_failed';

/** Every error leaves in one wire shape: { error: { code, message, details? } }. */
export function registerErrorHandling(app: FastifyInstance, opts: { uploadLimitBytes: number }): void {
  app.setErrorHandler((err: FastifyError | AppError, request, reply) => {
    if (isAppError(err)) {
      if (err.status >= 500) request.log.error({ err }, 'server error');
      return reply.code(err.status).send({ error: { code: err.code, message: err.message, details: err.details } });
    }
    if (hasZodFastifySchemaValidationErrors(err)) {
      const details: Record<string, string> = {};
      for (const v of err.validation) {
        const field = (v.instancePath || '/').replace(/^\//, '').replace(/\//g, '.') || (v.params as { missingProperty?: string })?.missingProperty || 'body';
        details[field] ??= v.message ?? 'is not valid';
      }
      return reply.code(400).send({ error: { code: 'validation_failed', message: `Some fields are not valid: ${Object.keys(details).join(', ')}.`, details } });
    }
    if (isResponseSerializationError(err)) {
      request.log.error({ err, issues: err.cause?.issues }, 'response did not match its schema');
      return reply.code(500).send({ error: { code: 'internal_error', message: defaultMessageOf.internal_error } });
    }
    const fe = err as FastifyError;
    if (fe.code === 'FST_REQ_FILE_TOO_LARGE' || fe.code === 'FST_ERR_CTP_BODY_TOO_LARGE' || fe.statusCode === 413) {
      const mb = Math.round(opts.uploadLimitBytes / 1024 / 1024);
      return reply.code(413).send({ error: { code: 'payload_too_large', message: `The file is larger than the upload limit of ${mb} MB.`, details: { limitBytes: opts.uploadLimitBytes } } });
    }
    if (fe.code === 'FST_ERR_CTP_INVALID_MEDIA_TYPE') {
      return reply.code(415).send({ error: { code: 'validation_failed', message: 'Send JSON (Content-Type: application/json).' } });
    }
    if (fe.statusCode && fe.statusCode >= 400 && fe.statusCode < 500) {
      const code = codeForStatus(fe.statusCode);
      const message = fe.code === 'FST_ERR_CTP_INVALID_JSON_BODY' || /JSON/.test(fe.message) ? 'The request body is not valid JSON.' : fe.message || defaultMessageOf[code];
      return reply.code(fe.statusCode).send({ error: { code, message } });
    }
    request.log.error({ err }, 'unexpected error');
    return reply.code(500).send({ error: { code: 'internal_error', message: defaultMessageOf.internal_error } });
  });
}

export const notFound = (what = 'Not found.') => new AppError('not_found', { message: what });
