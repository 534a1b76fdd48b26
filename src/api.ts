/**
 * Typed calls to the jupyter-repro server extension.
 */
import { requestAPI } from './request';
import { IServerStatus } from './tokens';

/** Fetch the server extension's version and root directory. */
export function fetchStatus(): Promise<IServerStatus> {
  return requestAPI<IServerStatus>('status');
}
