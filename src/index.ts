/** meshsim's public API: what the web app, notebooks and library users import. Browser-safe. */
export { VERSION } from './version.js';
export * from './engine/index.js';
export * from './config/index.js';
export * from './config/scenario/index.js';
export * from './run/index.js';
export * from './report/index.js';
