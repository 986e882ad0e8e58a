/** meshsim's public API: what the web app, notebooks and library users import. Browser-safe. */
export { VERSION } from './version.js';
export * from './engine/index.js';
export * from './config/index.js';
export * from './config/scenario/index.js';
export * from './run/index.js';
export * from './report/index.js';
// webpanels (#17): the web app's panels label requests by Envoy's short response-flag names.
export { formatResponseFlags } from './envoy/response-flags.js';
