import type { PublishReport } from './publish-model.ts';

/** One line saying what a publish did: uploaded or already there, and where "latest" points now. */
export function describePublish(result: PublishReport, where: string): string {
  const uploaded = result.steps.filter((step) => step.kind === 'file' && step.action === 'uploaded').length;
  const latest = result.steps.find((step) => step.kind === 'latest');
  if (!result.changed) return `${result.name}@${result.version}: already published to ${where}, nothing to do`;
  const pointer = latest?.kind === 'latest' && latest.action === 'moved' ? 'latest now points to it' : `latest stays ${latest?.kind === 'latest' ? latest.version : '?'}`;
  return `${result.name}@${result.version}: published to ${where} (${uploaded} file(s) uploaded, each verified by sha256); ${pointer}`;
}
