/**
 * The comparison report of an open study, from the services (results, paired statistics, previews and
 * annotations) to the PDF's bytes. The CLI's `study export --pdf` writes them; the app can call the
 * same function later.
 */
import type { CohortMeasure } from '../../../shared/stats/cohort';
import { buildReportModel } from '../../../shared/reports/report-model';
import type { Services } from '../types';
import { renderReportPdf, type ReportFigures } from './pdf-report';
import { renderFigure } from './report-figures';

export interface ReportRequest {
  baseline: string;
  followup: string;
  measure: CohortMeasure;
  appVersion: string;
  /** Defaults to now; fixed in tests. */
  generatedAt?: Date;
}

export async function buildStudyReport(services: Services, request: ReportRequest): Promise<Buffer> {
  const view = await services.getStudy({});
  const stats = await services.getStudyStats(request);
  const results = await services.listStudyResults({});
  const generatedAt = (request.generatedAt ?? new Date()).toISOString();
  const model = buildReportModel({
    studyName: view!.study.name,
    generatedAt,
    appVersion: request.appVersion,
    results,
    stats,
    baseline: request.baseline,
    followup: request.followup,
  });
  const figures: ReportFigures = new Map();
  for (const section of model.subjects) {
    for (const panel of [section.before, section.after]) {
      if (panel.figure) figures.set(panel.figure.imageId, await renderFigure(services, panel.figure));
    }
  }
  const footer = `${model.title} - DermaQuant ${request.appVersion} - generated ${generatedAt.slice(0, 10)}`;
  return renderReportPdf(model, figures, footer);
}
