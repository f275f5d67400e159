import type { ErrorCode } from '../result';

/**
 * A problem with the analysis input that the user can fix (unknown preset, parallel stain vectors, a
 * threshold out of range...). shared/ cannot import main's UserError, so the runner converts this one
 * into a UserError with the same code and message.
 */
export class AnalysisInputError extends Error {
  constructor(
    readonly code: ErrorCode,
    message: string,
  ) {
    super(message);
    this.name = 'AnalysisInputError';
  }
}
