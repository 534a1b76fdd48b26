import React, { useState } from 'react';

import { IEnvironment } from '../tokens';

/** How many packages are listed when no search is typed. */
export const PACKAGES_SHOWN = 20;

/** Props of the environment section. */
export interface IEnvironmentViewProps {
  environment: IEnvironment | null;
}

/** The environment of the latest session: Python, packages, git, env vars (redacted). */
export function EnvironmentView(props: IEnvironmentViewProps): JSX.Element {
  const { environment } = props;
  const [open, setOpen] = useState(false);
  const [search, setSearch] = useState('');
  return (
    <details
      className="jp-Repro-Environment"
      open={open}
      onToggle={event => setOpen((event.target as HTMLDetailsElement).open)}
    >
      <summary className="jp-Repro-Environment-summary">Environment</summary>
      {!environment ? (
        <p className="jp-Repro-LineagePanel-empty">
          No environment recorded for this notebook yet.
        </p>
      ) : (
        <div
          className="jp-Repro-Environment-body"
          data-testid="repro-environment"
        >
          <dl className="jp-Repro-Environment-facts">
            <dt>Python</dt>
            <dd>
              {[environment.python?.implementation, environment.python?.version]
                .filter(Boolean)
                .join(' ') || 'unknown'}
            </dd>
            <dt>Kernel</dt>
            <dd>{environment.kernel_name ?? 'unknown'}</dd>
            <dt>Git</dt>
            <dd>{gitText(environment)}</dd>
          </dl>
          <Packages
            packages={environment.packages ?? {}}
            search={search}
            onSearch={setSearch}
          />
          <EnvVars vars={environment.env_vars ?? {}} />
        </div>
      )}
    </details>
  );
}

function gitText(environment: IEnvironment): string {
  const git = environment.git;
  if (!git || !git.commit) {
    return 'not a git repository';
  }
  const branch = git.branch ? ` on ${git.branch}` : '';
  return `${git.commit.slice(0, 10)}${branch}${git.dirty ? ' (dirty)' : ''}`;
}

function Packages(props: {
  packages: { [name: string]: string };
  search: string;
  onSearch: (search: string) => void;
}): JSX.Element {
  const names = Object.keys(props.packages).sort();
  const query = props.search.trim().toLowerCase();
  const matching = query ? names.filter(name => name.includes(query)) : names;
  const shown = query ? matching : matching.slice(0, PACKAGES_SHOWN);
  return (
    <div className="jp-Repro-Environment-packages">
      <h4>Packages ({names.length})</h4>
      <input
        type="search"
        className="jp-Repro-Environment-search"
        placeholder="Search packages"
        aria-label="Search packages"
        value={props.search}
        onChange={event => props.onSearch(event.target.value)}
      />
      <ul>
        {shown.map(name => (
          <li key={name}>
            <span className="jp-Repro-Environment-name">{name}</span>{' '}
            {props.packages[name]}
          </li>
        ))}
      </ul>
      {matching.length > shown.length ? (
        <p className="jp-Repro-LineagePanel-empty">
          and {matching.length - shown.length} more: search to find one.
        </p>
      ) : null}
    </div>
  );
}

function EnvVars(props: { vars: { [name: string]: string } }): JSX.Element {
  const names = Object.keys(props.vars).sort();
  return (
    <div className="jp-Repro-Environment-vars">
      <h4>Environment variables ({names.length})</h4>
      <ul>
        {names.map(name => (
          <li key={name}>
            <span className="jp-Repro-Environment-name">{name}</span>=
            {props.vars[name]}
          </li>
        ))}
      </ul>
    </div>
  );
}
