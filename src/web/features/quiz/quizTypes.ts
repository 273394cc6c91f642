import type { ViewerQuizDto } from '../../../contracts/pipeline.js';

export type ViewerQuestion = ViewerQuizDto['questions'][number];
