import type { z } from 'zod';
import type { quizResultsSchema, viewingListSchema } from '../../../contracts/pipeline.js';

export type QuizResults = z.infer<typeof quizResultsSchema>;
export type ViewingList = z.infer<typeof viewingListSchema>;
