/**
 * A verify run: started on the server, polled until it is done.
 */
import { ISignal, Signal } from '@lumino/signaling';

import { fetchVerify, startVerify } from './api';
import { IVerifyJob } from './tokens';

/** How often a running verify job is polled. */
export const VERIFY_POLL_MS = 500;

export class Verifier {
  /** Emitted on every poll and when the run ends. */
  get changed(): ISignal<Verifier, void> {
    return this._changed;
  }

  /** The latest state of the job, or null before the first run. */
  get job(): IVerifyJob | null {
    return this._job;
  }

  /** The notebook or script being verified. */
  get path(): string | null {
    return this._path;
  }

  /** Whether a job is running. */
  get running(): boolean {
    return this._job?.state === 'running';
  }

  /** Start verifying `path`; resolves with the finished job (errors are thrown). */
  async start(path: string): Promise<IVerifyJob> {
    this.cancel();
    const run = ++this._run;
    this._path = path;
    this._job = { id: '', state: 'running', report: null, error: null };
    this._changed.emit();
    try {
      let job = await startVerify(path);
      while (run === this._run) {
        this._job = job;
        this._changed.emit();
        if (job.state !== 'running') {
          return job;
        }
        await new Promise(resolve => setTimeout(resolve, VERIFY_POLL_MS));
        if (run !== this._run) {
          break;
        }
        job = await fetchVerify(job.id);
      }
      return job;
    } catch (error) {
      if (run === this._run) {
        this._job = null;
        this._changed.emit();
      }
      throw error;
    }
  }

  /** Stop polling (the server finishes the job on its own) and forget it. */
  cancel(): void {
    this._run++;
    if (this._job) {
      this._job = null;
      this._changed.emit();
    }
  }

  private _run = 0;
  private _path: string | null = null;
  private _job: IVerifyJob | null = null;
  private _changed = new Signal<Verifier, void>(this);
}
