/**
 * The one place that builds URLs for the jupyter-repro server extension.
 */
import { URLExt } from '@jupyterlab/coreutils';
import { ServerConnection } from '@jupyterlab/services';

import { API_NAMESPACE } from './tokens';

/** Query parameters; undefined values are left out. */
export type Query = { [key: string]: string | number | undefined };

/**
 * Call the server extension and return its JSON body.
 *
 * `endPoint` is a route of docs/rest-api.md (e.g. `verify/<id>`), `query` its parameters.
 * Errors carry the server's own message, so the panel can show what went wrong.
 */
export async function requestAPI<T>(
  endPoint = '',
  init: RequestInit = {},
  query: Query = {}
): Promise<T> {
  const settings = ServerConnection.makeSettings();
  const requestUrl =
    URLExt.join(settings.baseUrl, API_NAMESPACE, endPoint) + queryString(query);

  let response: Response;
  try {
    response = await ServerConnection.makeRequest(requestUrl, init, settings);
  } catch (error) {
    throw new ServerConnection.NetworkError(error as TypeError);
  }

  const text = await response.text();
  let data: any = text;
  if (text.length > 0) {
    try {
      data = JSON.parse(text);
    } catch {
      // Not JSON: keep the text so the error below can show it.
    }
  }

  if (!response.ok) {
    throw new ServerConnection.ResponseError(response, data?.message ?? text);
  }
  return data as T;
}

/** `?a=1&b=2`, or '' when there is nothing to send. */
function queryString(query: Query): string {
  const defined: { [key: string]: string } = {};
  for (const [key, value] of Object.entries(query)) {
    if (value !== undefined) {
      defined[key] = String(value);
    }
  }
  return URLExt.objectToQueryString(defined);
}

/** A JSON body for POST/PUT. */
export function jsonBody(method: 'POST' | 'PUT', body: unknown): RequestInit {
  return {
    method,
    body: JSON.stringify(body),
    headers: { 'Content-Type': 'application/json' }
  };
}
