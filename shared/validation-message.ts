import type { z } from 'zod';

/**
 * A zod failure as one sentence: what was invalid (`subject`), where (the first issue's path) and why,
 * e.g. "Invalid analysis protocol (threshold.od): Expected number, received string."
 */
export function validationMessage(subject: string, error: z.ZodError): string {
  const issue = error.issues[0];
  const where = issue && issue.path.length > 0 ? ` (${issue.path.join('.')})` : '';
  return `${subject}${where}: ${issue?.message ?? 'invalid'}.`;
}
