/** meshsim's public API: what the web app, notebooks and library users import. */
export { VERSION } from './version.js';
export * from './engine/index.js';
