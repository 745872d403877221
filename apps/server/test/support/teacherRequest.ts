import type { GenerateRequest, Question } from '@steper/core';

const question: Question = {
  id: 'q1',
  dataset: 'synthetic',
  question: 'Who directed Blue Harbor?',
  answers: ['Ada Reyes'],
  evidence: [],
  goldTitles: [],
  goldPassageIds: [],
};

/** A teacher request as the IRCoT loop's first step sends it, for client-level tests. */
export const teacherRequest = (prompt: string, maxTokens = 8, stop: string[] = ['\n']): GenerateRequest => ({
  prompt,
  stop,
  maxTokens,
  context: { loop: 'ircot', stage: 'init', step: 1, question, passages: [], chain: [] },
});
