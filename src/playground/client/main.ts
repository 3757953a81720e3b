/**
 * The playground page: GraphiQL 5 against the gateway, fully bundled (no CDN).
 */
import 'graphiql/style.css';
import './playground.css';
import './workers.js';

import { GraphiQL, type GraphiQLProps } from 'graphiql';
import { StrictMode, createElement } from 'react';
import { createRoot } from 'react-dom/client';
import { EXAMPLE_OPERATIONS } from '../examples.js';
import { readPlaygroundConfig } from './config.js';
import { endpointUrls } from './endpoint-urls.js';
import { createPlaygroundFetcher } from './fetcher.js';
import { storageWithDefaultHeaders } from './storage.js';

const config = readPlaygroundConfig();
const { fetcher } = createPlaygroundFetcher(endpointUrls(config.endpoint, window.location));
const headers = config.defaultHeaders ?? null;

const props: GraphiQLProps = {
  fetcher,
  defaultTabs: EXAMPLE_OPERATIONS.map((op) => ({
    query: op.query,
    variables: op.variables === undefined ? null : JSON.stringify(op.variables, null, 2),
    headers,
  })),
  ...(config.defaultHeaders === undefined
    ? {}
    : {
        defaultHeaders: config.defaultHeaders,
        storage: storageWithDefaultHeaders(window.localStorage, config.defaultHeaders),
      }),
  defaultEditorToolsVisibility: true,
};

const root = document.getElementById('root');
if (!root) throw new Error('playground: #root is missing from the page');

createRoot(root).render(
  createElement(
    StrictMode,
    null,
    createElement(
      GraphiQL,
      props,
      createElement(GraphiQL.Logo, null, createElement('span', { className: 'playground-logo' }, 'Outbound gateway')),
    ),
  ),
);
