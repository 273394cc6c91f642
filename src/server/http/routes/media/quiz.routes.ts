import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { idParams, idText } from '../../../../contracts/api.js';
import { answerResultSchema, attemptSchema, ownerQuizSchema, quizAnswerInput, quizBody, quizResultsSchema, viewerQuizSchema } from '../../../../contracts/pipeline.js';
import { singleLine } from '../../../../contracts/text.js';
import type { Services } from '../../../runtime.js';
import { requireUser } from '../../plugins/session.js';

const attemptParams = idParams.extend({ attemptId: idText() });

/** Quiz editing (owner), answering (anyone who may view the media), results and CSV (owner). */
export async function quizRoutes(app: FastifyInstance, opts: { services: Services }) {
  const r = app.withTypeProvider<ZodTypeProvider>();
  const { quiz } = opts.services;
  const tags = ['quiz'];

  r.get('/media/:id/quiz/edit', { schema: { tags, summary: 'The quiz with its right answers (owner)', params: idParams, response: { 200: ownerQuizSchema } } }, async (request) =>
    quiz.forOwner(requireUser(request), request.params.id),
  );

  r.put('/media/:id/quiz', { schema: { tags, summary: 'Save the questions and settings (owner)', params: idParams, body: quizBody, response: { 200: ownerQuizSchema } } }, async (request) =>
    quiz.save(requireUser(request), request.params.id, request.body),
  );

  r.get('/media/:id/quiz', { schema: { tags, summary: 'The quiz as a viewer sees it, with their attempts', params: idParams, response: { 200: viewerQuizSchema } } }, async (request) =>
    quiz.forViewer(request.auth, request.params.id),
  );

  r.post('/media/:id/quiz/attempts', { schema: { tags, summary: 'Start an attempt (or get the open one)', params: idParams, response: { 200: attemptSchema } } }, async (request) =>
    quiz.start(request.auth, request.params.id),
  );

  r.put(
    '/media/:id/quiz/attempts/:attemptId/answers/:questionId',
    { schema: { tags, summary: 'Answer a question (once)', params: attemptParams.extend({ questionId: singleLine().min(1).max(40) }), body: quizAnswerInput, response: { 200: answerResultSchema } } },
    async (request) => quiz.answer(request.auth, request.params.id, request.params.attemptId, request.params.questionId, request.body),
  );

  r.post('/media/:id/quiz/attempts/:attemptId/finish', { schema: { tags, summary: 'Finish the attempt and get the score', params: attemptParams, response: { 200: attemptSchema } } }, async (request) =>
    quiz.finish(request.auth, request.params.id, request.params.attemptId),
  );

  r.get('/media/:id/quiz/results', { schema: { tags, summary: 'Every viewer’s answers and score (owner)', params: idParams, response: { 200: quizResultsSchema } } }, async (request) =>
    quiz.results(requireUser(request), request.params.id),
  );

  r.get('/media/:id/quiz/results.csv', { schema: { tags, summary: 'Quiz results as CSV (owner)', params: idParams } }, async (request, reply) => {
    const csv = await quiz.resultsCsv(requireUser(request), request.params.id);
    reply.header('Content-Type', 'text/csv; charset=utf-8');
    reply.header('Content-Disposition', `attachment; filename="quiz-results-${request.params.id}.csv"`);
    reply.header('Cache-Control', 'private, no-store');
    return reply.send('\uFEFF' + csv);
  });
}
