import { IVerifyReport } from './tokens';

/**
 * What a verify report says about data files, one line each: files that changed since
 * recording (or are missing), then versions the re-run could not replay. Either makes the
 * report "not reproduced", so the panel must say why when no variable differs.
 */
export function dataFindings(
  report: Pick<IVerifyReport, 'files' | 'data_versions'>
): string[] {
  const files = (report.files ?? []).map(
    file =>
      `Data file ${file.current === null ? 'missing' : 'changed since recording'}: ${file.path}`
  );
  const versions = (report.data_versions ?? []).map(
    line => `Data version not replayed: ${line}`
  );
  return [...files, ...versions];
}
